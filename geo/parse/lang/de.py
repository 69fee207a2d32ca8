"""German: the words and rules the parser reads German news with (data only; the engines are elsewhere).

German inflection is written into the regexes ("Islamischen Staates", "irakische Armee"); a long s ("ſ")
matches like "s" because the engines compile case-insensitively.
"""

from __future__ import annotations

from geo.parse.lang import Language, TriggerRule

_FORCE = (
    r"(?:Armee|Truppen|Streitkräfte|Sicherheitskräfte|Regierungstruppen|Regierungskräfte|Soldaten|Regierung"
    r"|Militär|Armeeeinheiten|Einheiten|Polizei|Regimetruppen|Bodentruppen)"
)

TRIGGERS: tuple[TriggerRule, ...] = (
    # --- captured
    TriggerRule(
        "fiel_x_an",
        "captured",
        r"(?:fiel|fielen)\b(?=[^.;]{1,60}?\ban\s+(?:die|den|der)\b)",
        "fell_any",
        0.8,
        ("fiel",),
        needs_agent=True,
    ),
    TriggerRule(
        "vertrieben",
        "captured",
        r"(?:vertrieben|vertrieb|verdrängten|verdrängt)\b(?=[^.;]{0,60}?\baus\b)",
        "expel",
        0.75,
        ("verd", "vert"),
    ),
    TriggerRule(
        "fiel_an",
        "captured",
        r"(?:fiel|fielen|fällt|fallen|gefallen)\s+(?:an|in\s+die\s+Hände)(?:\s+(?:der|des|die|den))?",
        "fell",
        0.85,
        ("fall", "fiel", "fäll", "gefa"),
        needs_agent=True,
    ),
    TriggerRule(
        "unter_x_kontrolle",
        "captured",
        r"(?:(?<=\bist )|(?<=\bsind )|(?<=\bwar )|(?<=\bwaren )|(?<=\bsteht )|(?<=\bstehen )|(?<=\bstand )"
        r"|(?<=\bstanden )|(?<=\bnun )|(?<=\bjetzt )|(?<=\bgeriet )|(?<=\bgerieten )|(?<=\bgerät )"
        r"|(?<=\bdamit )|(?<=\bvollständig ))unter(?=\s[^.;]{0,40}?Kontrolle)",
        "fell",
        0.75,
        ("unter",),
        True,
    ),
    TriggerRule(
        "fiel_ihnen",
        "captured",
        r"(?:fiel|fielen)\s+(?:ihnen|ihm|den|der|dem)\b[^.;]{0,50}?\bin\s+die\s+Hände",
        "fell",
        0.8,
        ("fiel",),
        needs_agent=True,
    ),
    TriggerRule(
        "in_haenden",
        "captured",
        r"(?<=\bin den )Händen\s+(?:der|des|von)",
        "fell",
        0.75,
        ("händen",),
        True,
        True,
    ),
    TriggerRule(
        "unter_kontrolle",
        "captured",
        r"unter\s+(?:ihre|seine|deren|die|ihrer|seiner|der)\s+(?:volle\s+)?Kontrolle\s+(?:gebracht|bringen|brachten|brachte|gebracht\s+haben)|(?:brachten|brachte)\b(?=[^.;]{0,80}?unter\s+(?:ihre|seine)\s+Kontrolle)",
        "verb_final",
        0.85,
        ("brac", "unte"),
    ),
    TriggerRule(
        "kontrolle_uebernommen",
        "captured",
        r"(?:übernahmen|übernahm|übernommen|übernehmen)\s+(?:[\wäöüß]+\s+){0,3}?(?:die\s+)?Kontrolle|Kontrolle\s+(?:über\s+)?(?:[\wäöüß-]+\s+){0,4}?übernommen",
        "verb_final",
        0.85,
        ("kont", "über"),
    ),
    TriggerRule(
        "erobert",
        "captured",
        r"(?:zurück)?(?:erobert|eroberte|eroberten|erobern|eingenommen|einnahmen|nahmen\b(?=[^.;]{0,60}?\bein\b)|nahm\b(?=[^.;]{0,60}?\bein\b)"
        r"|überrannt|überrannten|überrannte|befreit|befreiten)",
        "verb_final",
        0.85,
        ("befr", "eing", "einn", "erob", "nahm", "zurü", "über"),
    ),
    TriggerRule(
        "eroberung",
        "captured",
        r"(?:Eroberung|Rückeroberung|Einnahme|(?<![Ii]m\s)Fall|Befreiung)\s+(?:von|der|des|vom)",
        "nominal",
        0.7,
        ("befr", "einn", "erob", "fall", "rück"),
    ),
    # --- attacked
    TriggerRule(
        "angriff",
        "attacked",
        r"(?:angegriffen|griffen\b(?=[^.;]{0,60}?\ban\b)|griff\b(?=[^.;]{0,60}?\ban\b)|Angriffe?\s+auf|Anschlag\s+auf"
        r"|Anschläge\s+auf|beschossen|beschossen|Beschuss|bombardiert|bombardierten|Luftangriffe?\s+auf|stürmten|gestürmt"
        r"|Kämpfe|Gefechte|Zusammenstöße|Offensive\s+(?:auf|gegen)|(?:Angriffe?|Anschläge?|Luftangriffe?)\s+(?:in|bei))",
        "verb_final",
        0.7,
        (
            "ange",
            "angr",
            "ansc",
            "besc",
            "bomb",
            "gefe",
            "gest",
            "grif",
            "kämp",
            "luft",
            "offe",
            "stür",
            "zusa",
        ),
    ),
    # --- besieged
    TriggerRule(
        "belagert",
        "besieged",
        r"(?:belagert|belagerten|Belagerung\s+(?:von|der|des)|umzingelt|umzingelten|eingekesselt|eingeschlossen)",
        "verb_final",
        0.7,
        ("bela", "eing", "umzi"),
        state=True,
    ),
    # --- withdrew
    TriggerRule(
        "zurueck",
        "withdrew",
        r"(?:zogen|zog|ziehen)\s+sich\b[^.;]{0,60}?\bzurück|zurückgezogen|abgezogen|zogen\b(?=[^.;]{0,60}?\bab\b)|Rückzug\s+(?:aus|von)",
        "withdrew",
        0.7,
        ("abge", "rück", "zieh", "zog", "zurü"),
        split_verb=True,
    ),
    TriggerRule("raeumten", "withdrew", r"(?:räumten|räumte)", "active", 0.65, ("räum",)),
    TriggerRule("geraeumt", "withdrew", r"geräumt", "verb_final", 0.65, ("gerä",)),
    # --- ceasefire
    TriggerRule(
        "waffenruhe",
        "ceasefire",
        r"(?:Waffenstillstand\w*|Waffenruhe|Feuerpause)",
        "ceasefire",
        0.6,
        ("waff", "feue"),
    ),
)

LANGUAGE = Language(
    code="de",
    name="Deutsch",
    months={
        "januar": 1,
        "jänner": 1,
        "jaenner": 1,
        "februar": 2,
        "feber": 2,
        "märz": 3,
        "maerz": 3,
        "mrz": 3,
        "april": 4,
        "mai": 5,
        "juni": 6,
        "juli": 7,
        "august": 8,
        "oktober": 10,
        "okt": 10,
        "november": 11,
        "dezember": 12,
        "dez": 12,
    },  # fmt: skip
    weekdays={
        "montag": 0,
        "dienstag": 1,
        "mittwoch": 2,
        "donnerstag": 3,
        "freitag": 4,
        "samstag": 5,
        "sonnabend": 5,
        "sonntag": 6,
    },  # fmt: skip
    day_suffixes=(r"\.",),
    relative={
        "yesterday": (r"vorgestern|gestern", ("vorg", "gest")),
        "today": (r"heute", ("heut",)),
        "last_year": (
            r"(?:im\s+)?(?:vergangenen|letzten)\s+Jahr|voriges\s+Jahr|vergangenes\s+Jahr",
            ("im", "verg", "letz", "vori"),
        ),
        "last_month": (r"(?:im\s+)?(?:vergangenen|letzten)\s+Monat", ("im", "verg", "letz")),
        "this_month": (r"(?:in\s+)?(?:diesem|diesen)\s+Monat|Anfang\s+des\s+Monats", ("in", "dies", "anfa")),
        "week": (
            r"(?:in\s+der\s+)?(?:vergangenen|letzten|vorigen|dieser)\s+Woche|(?:vergangene|letzte|vorige|diese)\s+Woche",
            ("in", "verg", "letz", "vori", "dies"),
        ),
    },
    weekday_lead=("am", "vergangenen", "letzten", "diesen", "seit"),
    weekday_suffixes=("morgen", "abend", "nachmittag", "vormittag", "nacht"),
    season_lead=("im", "vergangenen", "letzten", "diesen", "vorigen"),
    month_lead=("im", "seit", "bis", "vergangenen", "letzten", "Anfang", "Ende", "Mitte"),
    number_words={
        "einem": 1,
        "zwei": 2,
        "drei": 3,
        "vier": 4,
        "fünf": 5,
        "sechs": 6,
        "sieben": 7,
        "zehn": 10,
    },
    days_ago=r"vor\s+{n}\s+Tag(?:en)?",
    days_ago_prefixes=("vor",),
    seasons={"frühjahr": 3, "frühling": 3, "sommer": 6, "herbst": 9, "winter": 12},
    last_cues=("vergangen", "letzt", "vorig"),
    this_week_cues=("dies",),
    day_before_cues=("vor",),
    since_words=("seit", "bis", "ab"),
    since_starts=("seit", "bis"),
    dateline_words=("veröffentlicht", "aktualisiert", "stand", "datum"),
    dateline_weekday_tail=r",\s*(?:den\s+)?",
    triggers=TRIGGERS,
    negation=r"\bnicht\b|\bnie\b|\bniemals\b|\bkein\w*",
    attempt=r"versucht\w*|versuchen",
    modal=r"könnte\w*|würde\w*|drohte\w*|droht|wollen|will|soll\w*|falls|Falls|wenn|Wenn",
    speech=("sagte", "sagten", "erklärte", "betonte", "teilte", "sprach"),
    talks=(r"Gespräche\w*", "Verhandlungen", "Treffen", "Gipfel"),
    abbreviations=frozenset(
        """z bzw ca nr dt ggf vgl usw okt dez mio mrd abs hl u s d h a b v chr ff str tel""".split()
    ),
    month_words=(
        "Januar",
        "Jänner",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
        "Jahrhundert",
        "Jahrestag",
        "Mal",
        "Platz",
        "Stock",
        "Tag",
    ),  # fmt: skip
    subject_pronouns=("sie", "Sie"),
    function_words=frozenset(
        """der die und das den von zu mit sich des nicht ist auf dem für eine ein wurde sind auch nach
        bei""".split()
    ),
    armed_groups={
        "Islamic State": (
            (r"Islamische[nr]?\s+Staate?s?", ("islamische",)),
            (
                r"IS-(?:Miliz|Milizen|Kämpfer|Terroristen|Extremisten|Dschihadisten|Terrormiliz|Zellen)",
                ("is-d", "is-e", "is-k", "is-m", "is-t", "is-z"),
            ),
            (r"Terrormiliz IS", ("terrormiliz",)),
        ),
        "al-Qaeda": ((r"Al[- ]Kaida", ("al k", "al-k")),),
        "al-Shabaab": ((r"Al[- ]Schabaa?b", ("al s", "al-s")),),
        "Houthis": ((r"Huthi-Rebellen", ("huthi",)), (r"Huthi-Miliz", ("huthi",))),
        "Hezbollah": ((r"Hisbollah", ("hisbollah",)),),
        "Hayat Tahrir al-Sham": ((r"Haiat Tahrir al[- ]Scham", ("haiat",)), (r"=HTS-Miliz", ("hts-",))),
        "Syrian Democratic Forces": ((r"Demokratischen? Kräfte Syriens", ("demokratische",)),),
        "YPG": ((r"Volksverteidigungseinheiten", ("volks",)),),
        "Peshmerga": ((r"Peschmerga", ("peschmerga",)),),
        "Syrian National Army": ((r"Syrische Nationalarmee", ("syrische",)),),
        "Free Syrian Army": ((r"Freie Syrische Armee", ("freie",)),),
        "Rapid Support Forces": ((r"RSF-Miliz", ("rsf-",)), (r"Schnellen? Eingreiftruppen?", ("schnelle",))),
        "Tigray People's Liberation Front": ((r"Tigray-Rebellen", ("tigray",)),),
        "Libyan National Army": ((r"Libysche Nationale Armee", ("libysche",)),),
        "Coordination of Azawad Movements": ((r"Koordination der Azawad-Bewegungen", ("koordination",)),),
        "Fano": ((r"Fano-Milizen?", ("fano",)),),
    },
    demonyms={
        "AF": ("afghanisch",),
        "IQ": ("irakisch",),
        "SY": ("syrisch",),
        "YE": ("jemenitisch",),
        "UA": ("ukrainisch",),
        "RU": ("russisch",),
        "SD": ("sudanesisch",),
        "SS": ("südsudanesisch",),
        "ML": ("malisch",),
        "BF": ("burkinisch",),
        "NE": ("nigrisch",),
        "NG": ("nigerianisch",),
        "SO": ("somalisch",),
        "ET": ("äthiopisch",),
        "LY": ("libysch",),
        "IL": ("israelisch",),
        "PK": ("pakistanisch",),
        "IR": ("iranisch",),
        "TR": ("türkisch",),
        "US": ("amerikanisch", "US-amerikanisch"),
        "MM": ("myanmarisch", "birmanisch"),
        "CD": ("kongolesisch",),
        "MZ": ("mosambikanisch",),
        "TD": ("tschadisch",),
        "AZ": ("aserbaidschanisch",),
        "AM": ("armenisch",),
        "LB": ("libanesisch",),
        "EG": ("ägyptisch",),
        "SA": ("saudisch", "saudi-arabisch"),
        "CO": ("kolumbianisch",),
    },  # fmt: skip
    # an adjective before the noun, either case ("irakische Armee", "Irakische Truppen")
    state_force=r"(?-i:(?:{demonym})(?:e[nrs]?)?)\s+" + _FORCE,
    demonym_either_case=True,
    state_force_extra={"US": ((r"(?-i:US)-" + _FORCE, ("us-",)),)},
    generic_state=(
        r"(?:die\s+|der\s+|den\s+)?(?:Regierungstruppen|Regierungskräfte|Sicherheitskräfte|Regimetruppen)"
        r"|(?:die|der|den)\s+Armee",
        ("die", "der", "den", "regierungs", "sicherheits", "regime"),
    ),
    anaphor=(
        r"(?:die|den|der)\s+(?:Islamisten|Aufständischen|Extremisten|Dschihadisten|Rebellen|Kämpfer|Miliz|Terroristen"
        r"|Separatisten|Gruppe|Terrormiliz|Milizionäre)",
        ("die", "den", "der"),
    ),
    pronoun=("ihnen|sie", ("ihnen", "sie")),
    group_suffix=r"-(?:Kämpfer|Miliz|Milizen|Rebellen|Terroristen|Extremisten|Dschihadisten|Terrormiliz)",
)
