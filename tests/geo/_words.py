"""Ordinary English and German words that often start a sentence in news text.

Used by the gazetteer/geocoder tests: many are GeoNames names somewhere ("Price", "Die", "Nach"), and
none may resolve at or above `geo.geocoder.ACCEPT_SCORE`. Chosen as everyday function words, verbs,
nouns and adverbs, not picked by looking at the gazetteer.
"""

ENGLISH = """
The A An This That These Those It He She They We You I There Here What When Where Why How Who Which
But And Or So Yet Also However Meanwhile Still Then Now Today Yesterday Tomorrow Later Earlier After
Before During While Although Because Since Until Unless If Once Although Despite Instead Indeed
Officials Police Soldiers Residents Witnesses Sources Authorities Forces Fighters Militants Troops
Price Prices Many Most Some Several Few All Both Each Every Other Another Such No Not Only Even
Security Government According Reports Earlier Fighting Clashes Attacks Talks Local Several Last
Next First Second Third New Former Senior Early Late Last Recent Further Large Small
""".split()

GERMAN = """
Der Die Das Ein Eine Einer Dem Den Des Nach Vor Bei Mit Seit Wegen Trotz Während Gegen Ohne Unter
Über Auch Aber Und Oder Doch Noch Schon Bereits Dann Danach Damals Heute Gestern Morgen Inzwischen
Zuvor Später Zudem Außerdem Allerdings Jedoch Dennoch Trotzdem Deshalb Daher Darum Weil Als Wenn Ob
Es Er Sie Wir Ihr Man Sich Dies Diese Dieser Jeder Alle Viele Einige Mehrere Manche Keine Kein Nur
Laut Nachdem Bevor Sobald Während Zwar Sowohl Weder Etwa Rund Fast Mehr Weniger Ebenfalls Vielmehr
Soldaten Kämpfer Behörden Angaben Berichten Zufolge Offenbar Angeblich Unterdessen Bislang Erst
Neue Erste Zweite Letzte Ganze Große Kleine Hohe Starke Schwere Wie Was Wo Wer Warum Hier Dort
""".split()

WORDS = sorted(set(ENGLISH) | set(GERMAN))
