"""Word lists and small lexical tests that keep the gazetteer scan from tagging what is not a place.

GeoNames holds a place called almost every capitalised word ("Price", "Nach", "Mission", "Kirby"), so the
scanner in `geo.parse.toponyms` needs outside knowledge to say no. That knowledge lives here, separated from
the scanning code so it can be reviewed and extended by people who know the news vocabulary:

* armed groups, organisations and institutions that news writes like names (NATO, Taliban, Daesh...);
* person cues: titles before a name, reporting verbs next to it, name particles, and a given-name list
  (package data under `geo/parse/lang/xx/`, from Faker's MIT-licensed name lists, loaded lazily);
* how common a word is in ordinary English/German (`wordfreq`), so that sentence-initial words and German
  nouns are not taken for small places that share their spelling;
* geographic head words ("province", "Provinz", "district") that extend or qualify a place name.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib import resources

# --- actors, organisations, institutions -------------------------------------------------------------
# Matched case-sensitively on whole words (after the scanner's own tokenisation); the lower-case
# variants cover German/English spelling habits. A place candidate overlapping one of these is dropped.
ACTOR_NAMES: frozenset[str] = frozenset(
    """
    Taliban Talib Taleban Talibans NATO Nato OTAN NAVO Daesh DAESH Daech Daesch IS ISIS ISIL ISKP IS-K ISIS-K
    ISWAP JNIM HTS SDF YPG YPJ PKK PYD FSA SNA RSF SAF TTP TPLF ENDF FARDC ADF LRA AQAP AQIM M23 CJTF
    Qaeda Qaida Kaida Al-Qaeda Al-Qaida Al-Kaida Shabaab Shabab Al-Shabaab Al-Shabab Hamas Hezbollah Hizbollah
    Hisbollah Hizballah Houthi Houthis Huthi Huthis Huthi-Rebellen Ansarallah Nusra Haqqani Janjaweed Wagner
    Peshmerga Peschmerga Bundeswehr Pentagon Kremlin Kreml Mujahideen Mudschahedin Fatah Hezb Tatmadaw
    Ansar Boko Haram Azov Asow Bundestag Bundesregierung Knesset Duma Rada Werchowna Verkhovna Congress
    Kongress
    EU UN UNO UNHCR UNICEF UNAMA UNAMI UNSC WHO WFP ICRC IKRK OSCE OSZE AU ECOWAS IAEA IOM MSF OCHA IMF IWF
    AP AFP dpa DPA Reuters DW BBC CNN TASS ZDF ARD Xinhua KNA epd Bloomberg Anadolu ANI IANS PTI EFE ANSA APA
    SDA RIA Interfax Ukrinform Tolo TOLOnews Pajhwok Rudaw Kurdistan24 Al-Jazeera Jazeera Dschasira Arabiya
    CIA FBI NSA BND MI6 Mossad IDF IRGC Quds Sepah FSB GRU SBU
    Facebook Twitter Telegram YouTube Google Instagram WhatsApp TikTok
    """.split()
)

# Multi-word actors and institutions; matched case-insensitively as phrases.
ACTOR_PHRASES: tuple[str, ...] = (
    "Islamic State",
    "Islamischer Staat",
    "Islamischen Staat",
    "Islamischen Staates",
    "Islamischen Staats",
    "Islamic Emirate",
    "Islamisches Emirat",
    "Islamischen Emirats",
    "Red Cross",
    "Roten Kreuz",
    "Rotes Kreuz",
    "Red Crescent",
    "White House",
    "Weißen Haus",
    "Weiße Haus",
    "Weißes Haus",
    "State Department",
    "Defense Department",
    "Department of Defense",
    "Foreign Office",
    "Auswärtige Amt",
    "Auswärtigen Amt",
    "Auswärtiges Amt",
    "Downing Street",
    "Radio Free Europe",
    "Radio Liberty",
    "Security Council",
    "Sicherheitsrat",
    "Wall Street",
    "Free Syrian Army",
    "Syrian Democratic Forces",
    "Rapid Support Forces",
    "Wagner Group",
    "Gruppe Wagner",
    "Boko Haram",
    "Hayat Tahrir al-Sham",
    "Tehrik-i-Taliban",
    "Revolutionary Guards",
    "Revolutionsgarden",
    "Hurras al-Din",
    "Ansar al-Sharia",
    "Ansar Allah",
    "Ahrar al-Sham",
    "Jaish al-Islam",
    "Jabhat al-Nusra",
    "Al Qaeda",
    "Al Qaida",
    "Al Shabaab",
)

# --- person cues --------------------------------------------------------------------------------------
# Words that introduce a person's name ("spokesman John Kirby", "Außenminister Heiko Maas").
PERSON_TITLES: frozenset[str] = frozenset(
    """
    President Präsident Präsidentin president präsident Vice-President Vizepräsident Vizepräsidentin
    Minister Ministerin minister Chancellor Kanzler Kanzlerin chancellor Secretary secretary Sekretär
    spokesman spokeswoman spokesperson Sprecher Sprecherin sprecher sprecherin General Gen Gen. general
    Generalleutnant Generalmajor Colonel Col Col. Oberst Major Maj Lt Lt. Lieutenant Leutnant Captain Capt
    Hauptmann Commander commander Kommandeur Kommandant Admiral Sergeant Sgt Sheikh Scheich Sheik Mullah
    Mulla Imam Ayatollah Ajatollah Groß-Ayatollah Grand King König Queen Königin Prince Prinz Prinzessin
    Princess Emir Amir Sultan Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Herr Herrn Frau Senator Sen. Rep.
    Governor Gouverneur Gouverneurin governor Mayor mayor Bürgermeister Bürgermeisterin Ambassador
    ambassador Botschafter Botschafterin envoy Gesandter Sondergesandter leader Anführer Chef Chefin chief
    warlord Warlord Pope Papst Bishop Bischof Archbishop Erzbischof Rev. Reverend Pastor Pfarrer Rabbi
    Rabbiner Patriarch Premier premier Ministerpräsident Ministerpräsidentin Regierungschef Staatschef
    Staatspräsident Oppositionsführer Abgeordnete Abgeordneter MP lawmaker senator congressman
    congresswoman analyst Analyst journalist Journalist Journalistin correspondent Korrespondent
    Korrespondentin reporter Reporter Reporterin politician Politiker Politikerin official Beamter
    Kommandeurin Koalitionskommandeur Geheimdienstchef Außenminister Außenministerin Verteidigungsminister
    Verteidigungsministerin Innenminister Innenministerin Generalsekretär Generalsekretärin UN-Generalsekretär
    Nato-Generalsekretär Botschaftssprecher Regierungssprecher Regierungssprecherin Militärsprecher
    Pressesprecher Pressesprecherin Sicherheitsberater Nationalspieler Coach Trainer Autor Autorin author
    Actress actress Actor actor singer Singer Sänger Sängerin Schauspieler Schauspielerin councillor
    Councillor councilman councilwoman chairman Chairman chairwoman CEO founder Founder director Director
    manager Manager professor Professor economist lawyer attorney Judge judge Justice officer Officer
    Detective detective Sheriff sheriff Deputy deputy Chief Inspector inspector Superintendent
    Constable resident player striker goalkeeper quarterback rapper Rapper star Star
    """.split()
)
# German compound titles: any word ending in one of these is a title ("Verteidigungsministerin").
PERSON_TITLE_SUFFIXES: tuple[str, ...] = (
    "minister",
    "ministerin",
    "präsident",
    "präsidentin",
    "sprecher",
    "sprecherin",
    "kanzler",
    "kanzlerin",
    "sekretär",
    "sekretärin",
    "kommandeur",
    "berater",
    "beraterin",
    "botschafter",
    "botschafterin",
    "chef",
    "chefin",
    "führer",
    "führerin",
    "spokesman",
    "spokeswoman",
)

# Verbs of saying that sit right next to a speaker's name ("Kirby said", "sagte Maas").
REPORTING_VERBS: frozenset[str] = frozenset(
    """
    said says told added stressed warned explained announced insisted argued noted wrote tweeted claimed
    declared confirmed denied sagte sagt sagten erklärte erklärt betonte betont warnte warnt teilte schrieb
    meinte fügte kündigte bestätigte dementierte forderte so
    """.split()
)

# Lower-case particles inside personal names ("Haider al-Abadi", "Ursula von der Leyen").
NAME_PARTICLES: frozenset[str] = frozenset(
    "al el bin ibn bint abu abou von van der den de da di du la le dos das ul ur".split()
)

# --- geography head words -----------------------------------------------------------------------------
# Following a name, these make it a first-order division ("Badghis province") and join the mention.
PROVINCE_SUFFIXES: frozenset[str] = frozenset(
    "Province province Provinz Governorate governorate Gouvernement Oblast oblast State state".split()
)
# Administrative head words that join the mention ("Kanawha County", "Nangarhar Province") although the
# gazetteer stores the bare name.
ADMIN_SUFFIXES: frozenset[str] = frozenset(
    """Province province Provinz Governorate governorate Oblast oblast County county Parish District
    district Distrikt Prefecture prefecture Municipality municipality Raion Rayon Region""".split()
)
# A place name followed by one of these names a street, a building or an organisation, not the place
# ("Washington Drive", "Washington Post", "Kansas State University").
NOT_PLACE_AFTER: frozenset[str] = frozenset(
    """Street St Road Rd Avenue Ave Drive Dr Boulevard Blvd Lane Ln Way Highway Hwy Parkway Pkwy Court
    Ct Place Pl Terrace Square Straße Strasse Platz Allee Weg Gasse University Universität College
    School Academy Institute Times Post Herald Tribune Journal Gazette Chronicle Telegraph Observer
    Company Corp Corporation Inc Ltd Group Holdings Bank Stadium Arena Hotel Restaurant Mall Church
    Cathedral Mosque Club Hall Theatre Theater Zoo Museum Party Partei Police Polizei FC United
    """.split()
)
# Country abbreviations that news writes in capitals or with dots -> ISO 3166-1 alpha-2 code.
COUNTRY_ABBREVIATIONS: dict[str, str] = {
    "US": "US",
    "U.S.": "US",
    "USA": "US",
    "U.S.A.": "US",
    "UK": "GB",
    "U.K.": "GB",
    "UAE": "AE",
    "U.A.E.": "AE",
    "VAE": "AE",
    "DRC": "CD",
    "DRK": "CD",
    "PRC": "CN",
    "DPRK": "KP",
    "ROK": "KR",
}

# Before a name, they make it a province without joining the mention ("in der Provinz Herat").
PROVINCE_PREFIXES: frozenset[str] = frozenset("Provinz province Province Gouvernement governorate".split())
CITY_HINTS: frozenset[str] = frozenset("city City town Stadt village Dorf district District Distrikt".split())
# Capitalised words that qualify a place rather than name a person ("Eastern Aleppo", "Nord-Syrien").
GEO_MODIFIERS: frozenset[str] = frozenset(
    """
    North South East West Northern Southern Eastern Western Central Upper Lower Greater Inner Outer
    Northeast Northwest Southeast Southwest Nord Süd Ost Nordost Nordwest Südost Südwest Zentral
    Nördliche Südliche Östliche Westliche Nördlichen Südlichen Östlichen Westlichen Groß Greater Old New
    Provinz Province Stadt City Region Bezirk District Distrikt Norden Süden Osten Westen Nordosten
    Nordwesten Südosten Südwesten Mitte Zentrum
    """.split()
)

# --- dateline agencies --------------------------------------------------------------------------------
AGENCIES = (
    "AP|AFP|Reuters|dpa|DPA|KNA|epd|Xinhua|UPI|Bloomberg|ANI|IANS|PTI|TASS|RIA|Anadolu|AA|EFE|ANSA|APA|SDA|"
    "sda|afp|rtr|AP/dpa|dpa/AFP|AFP/dpa|dpa/AP|Reuters/dpa|dpa-AFX|IRNA|Interfax|Ukrinform|WAFA|SANA|BNA"
)
DATELINE_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:date[ \t]+\d{4}-\d{2}(?:-\d{2})?[ \t]+)?"
    r"(?P<place>[A-ZÄÖÜ][\w'’.-]*(?:[ \t][A-ZÄÖÜ][\w'’.-]*){0,3})"
    r"(?:[ \t]*,[ \t]*[^()\n]{1,40}?)?[ \t]*\((?:" + AGENCIES + r")\)",
)
# Wire-style all-caps dateline: "KABUL, Aug 13 (Reuters) -", "RAMADI, Iraq, May 17, 2015 -".
DATELINE_CAPS_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:date[ \t]+\d{4}-\d{2}(?:-\d{2})?[ \t]+)?"
    r"(?P<place>[A-ZÄÖÜ]{2,}(?:[ \t'’-][A-ZÄÖÜ]{2,}){0,3})[ \t]*(?:,[ \t]*[A-Z\d]|\(|--|—|–)"
)


@lru_cache(maxsize=50_000)
def is_title(word: str) -> bool:
    """True for a word that introduces a person ("President", "Außenministerin", "spokesman")."""
    if word in PERSON_TITLES:
        return True
    low = word.lower()
    return len(low) > 6 and low.endswith(PERSON_TITLE_SUFFIXES)


@cache
def first_names() -> frozenset[str]:
    """Given names from many countries (package data `geo/parse/lang/xx/given_names.txt`, from Faker, MIT).

    A name that is also an ordinary English or German word is only there when several countries' lists
    have it ("Mark", not Iceland's "Berg"); see `geo/parse/lang/xx/README.md` and `build_given_names.py`.
    """
    data = resources.files("geo.parse.lang").joinpath("xx/given_names.txt").read_text("utf-8")
    return frozenset(line for line in data.splitlines() if line)


@lru_cache(maxsize=200_000)
def commonness(word: str, language: str | None) -> float:
    """Zipf frequency (0..8) of `word` lower-cased in ordinary `language` text (max of en/de if unknown).

    wordfreq counts case-folded words, so well-known places are "common" too ("london" 5.5); callers
    therefore only use this for places of little importance, where a high figure means the word is far
    more often an ordinary word than this place.
    """
    from wordfreq import zipf_frequency

    low = word.lower()
    if language in ("en", "de"):
        return zipf_frequency(low, language)
    return max(zipf_frequency(low, "en"), zipf_frequency(low, "de"))
