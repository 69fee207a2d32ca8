"""English: the words and rules the parser reads English news with (data only; the engines are elsewhere)."""

from __future__ import annotations

from geo.parse.lang import Language, TriggerRule
from geo.parse.prefilter import DIGIT

_FORCE = (
    r"(?:(?:government|security|armed|special|regular|ground|military|national|defen[cs]e|regime|border)\s+)?"
    r"(?:forces|army|troops|military|soldiers|government|regime|police|units|military forces|National Army)"
)

TRIGGERS: tuple[TriggerRule, ...] = (
    # --- captured
    TriggerRule(
        "fell_to",
        "captured",
        r"(?:fell|fallen|falls|falling)\s+(?:in)?to(?:\s+the\s+hands\s+of)?",
        "fell",
        0.85,
        ("fall", "fell"),
        needs_agent=True,
    ),
    TriggerRule("hands_of", "captured", r"(?<=\bin the )hands\s+of", "fell", 0.75, ("hand",), True, True),
    TriggerRule(
        "under_control",
        "captured",
        r"(?:(?<=\bcame )|(?<=\bcome )|(?<=\bcomes )|(?<=\bfell )|(?<=\bis )|(?<=\bare )|(?<=\bwas )"
        r"|(?<=\bwere )|(?<=\bnow )|(?<=\bfirmly )|(?<=\bfully ))under(?=\s[^.;]{0,40}?\bcontrol\b)",
        "fell",
        0.75,
        ("under",),
        True,
        True,
    ),
    TriggerRule(
        "has_fallen",
        "captured",
        r"(?:(?<=\bhas )|(?<=\bhave )|(?<=\bhad ))fallen\b(?!\s+(?:in)?to)",
        "fell",
        0.6,
        ("fallen",),
    ),
    TriggerRule(
        "lost_to", "captured", r"lost\b(?=[^.;]{0,80}?\bto\b)", "lost", 0.7, ("lost",), needs_agent=True
    ),
    TriggerRule(
        "capture_noun",
        "captured",
        r"(?:fall|capture|recapture|seizure|takeover|conquest|liberation)\s+of",
        "nominal",
        0.7,
        ("capt", "conq", "fall", "libe", "reca", "seiz", "take"),
    ),
    TriggerRule(
        "capture_verb",
        "captured",
        r"(?:re-?)?(?:captured|captures|capturing|capture|seized|seizes|seizing|seize|overran|overrun|overruns|overrunning"
        r"|conquered|conquers|conquering|conquer|retook|retaken|retakes|retaking|retake|recaptured|liberated|liberating|liberate"
        r"|take\s+(?:full\s+)?control\s+of|take\s+over"
        r"|took\s+(?:back\s+)?(?:full\s+)?control\s+of|taken\s+(?:back\s+)?(?:full\s+)?control\s+of"
        r"|takes?\s+(?:full\s+)?control\s+of|taking\s+(?:full\s+)?control\s+of|(?:seized|gained|regained|wrested|won)"
        r"\s+(?:full\s+)?control\s+(?:of|over)|took\s+over|taken\s+over|takes\s+over|taking\s+over|captured)",
        "active",
        0.85,
        # "re-" or "re" before any of the verbs, then the verbs' own first letters
        (
            "capt",
            "conq",
            "gain",
            "libe",
            "over",
            "re-c",
            "re-g",
            "re-l",
            "re-o",
            "re-r",
            "re-s",
            "re-t",
            "re-w",
            "reca",
            "reco",
            "rega",
            "reli",
            "reov",
            "rere",
            "rese",
            "reta",
            "reto",
            "rewo",
            "rewr",
            "seiz",
            "take",
            "taki",
            "took",
            "won",
            "wres",
        ),  # fmt: skip
    ),
    TriggerRule(
        "expel",
        "captured",
        r"(?:drove|driven|drive|pushed|expelled|expel|ousted|oust|cleared|clear|routed|flushed)\b(?=[^.;]{0,60}?\b(?:out\s+of|from)\b)",
        "expel",
        0.75,
        ("clea", "driv", "drov", "expe", "flus", "oust", "push", "rout"),
    ),
    # --- attacked
    TriggerRule(
        "attack_verb",
        "attacked",
        r"(?:attacked|attacking|assaulted|stormed|storming|shelled|shelling|bombed|bombing|bombarded"
        r"|raided|strikes?\s+on|air\s?strikes?\s+on|attacks?\s+on|assaults?\s+on|offensive\s+(?:on|against)"
        r"|raids?\s+on|advanced\s+(?:on|into|towards)|fighting\s+(?:in|around|near|for)|clashes\s+(?:in|near|around)"
        r"|battle\s+for|fighting|clashes|(?:attacks?|bombings?|air\s?strikes?|drone\s+strikes?)\s+(?:in|near|against))",
        "active",
        0.7,
        (
            "adva",
            "air",
            "assa",
            "atta",
            "batt",
            "bomb",
            "clas",
            "dron",
            "figh",
            "offe",
            "raid",
            "shel",
            "stor",
            "stri",
        ),  # fmt: skip
    ),
    # --- besieged
    TriggerRule(
        "besieged",
        "besieged",
        r"(?:besieged|besieging|under\s+siege|siege\s+of|surrounded|encircled|encircling|blockaded)",
        "active",
        0.7,
        ("besi", "bloc", "enci", "sieg", "surr", "unde"),
        state=True,
    ),
    # --- withdrew
    TriggerRule(
        "withdrew",
        "withdrew",
        r"(?:withdrew|withdrawn|withdrawing|pulled\s+out|retreated|retreating)(?:\s+(?:from|out\s+of|of))?",
        "withdrew",
        0.7,
        ("pull", "retr", "with"),
    ),
    TriggerRule("abandon", "withdrew", r"(?:abandoned|abandoning)", "active", 0.65, ("aban",)),
    # --- ceasefire
    TriggerRule("ceasefire", "ceasefire", r"(?:cease-?fire|truce)", "ceasefire", 0.6, ("ceas", "truc")),
)

LANGUAGE = Language(
    code="en",
    name="English",
    months={
        "january": 1,
        "jan": 1,
        "february": 2,
        "feb": 2,
        "march": 3,
        "mar": 3,
        "april": 4,
        "apr": 4,
        "may": 5,
        "june": 6,
        "jun": 6,
        "july": 7,
        "jul": 7,
        "august": 8,
        "aug": 8,
        "september": 9,
        "sep": 9,
        "sept": 9,
        "october": 10,
        "oct": 10,
        "november": 11,
        "nov": 11,
        "december": 12,
        "dec": 12,
    },  # fmt: skip
    weekdays={
        "monday": 0,
        "tuesday": 1,
        "wednesday": 2,
        "thursday": 3,
        "friday": 4,
        "saturday": 5,
        "sunday": 6,
    },  # fmt: skip
    day_suffixes=("st", "nd", "rd", "th"),
    month_day_suffixes=("st", "nd", "rd", "th"),
    day_month_joiners=("of",),
    relative={
        "yesterday": (r"the\s+day\s+before\s+yesterday|yesterday", ("the", "yest")),
        "today": (r"today", ("toda",)),
        "last_year": (r"last\s+year", ("last",)),
        "last_month": (r"last\s+month", ("last",)),
        "this_month": (r"(?:earlier\s+|later\s+)?this\s+month", ("earl", "late", "this")),
        "week": (r"(?:last|this|past|earlier\s+this)\s+week", ("last", "this", "past", "earl")),
    },
    weekday_lead=("on", "last", "this", "past"),
    weekday_suffixes=("s",),
    season_lead=("last", "this", r"in\s+the", r"in\s+the\s+past"),
    month_lead=("in", "last", "this", "since", "until", "by", "early", "late", "mid"),
    number_words={
        "a": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "ten": 10,
    },
    days_ago=r"{n}\s+days?\s+ago",
    days_ago_prefixes=(DIGIT, "a", "one", "two", "three", "four", "five", "six", "seven", "ten"),
    seasons={"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12},
    last_cues=("last",),
    this_week_cues=("this",),
    day_before_cues=("the",),
    since_words=("since", "from", "until"),
    since_starts=("since", "until"),
    dateline_words=("published", "updated", "posted", "date"),
    triggers=TRIGGERS,
    negation=r"\bnot\b|n't\b|\bnever\b|\bno longer\b|\bfailed to\b|\bunable to\b",
    attempt=r"attempt(?:ed|ing|s)?\s+to|tr(?:ied|ying|ies)\s+to|sought\s+to",
    modal=r"could|would|might|may|will|shall|threaten\w*\s+to|plans?\s+to|planning\s+to|wants?\s+to|aim\w*\s+to|if|If",
    speech=("said", "says", "told", "stated", "announced", "added", "stressed"),
    talks=("talks", "negotiations?", "negotiators", "meeting", "summit"),
    abbreviations=frozenset(
        """mr mrs ms dr prof gen lt col maj capt sgt st sen rep gov pres jr sr inc ltd co corp no vs etc eg ie
        approx jan feb mar apr jun jul aug sep sept oct nov dec adm brig fig ref min max art mt ft""".split()
    ),
    month_words=("January", "February", "March", "June", "July", "October", "December"),
    subject_pronouns=("they", "They"),
    function_words=frozenset(
        "the and of to is that for with was were said has have are from by this which".split()
    ),
    armed_groups={
        "Islamic State": (
            (
                r"Islamic State(?: (?:of Iraq and (?:the )?(?:Levant|Syria|al-Sham)"
                r"|in Iraq and (?:the )?(?:Levant|Syria)"
                r"|Khorasan(?: Province)?|West Africa Province|Sahel Province))?",
                ("islamic state",),
            ),
        ),
        "Syrian Democratic Forces": ((r"Syrian Democratic Forces", ("syrian",)),),
        "YPG": ((r"People's Protection Units", ("people",)),),
        "Syrian National Army": ((r"Syrian National Army", ("syrian",)),),
        "Free Syrian Army": ((r"Free Syrian Army", ("free",)),),
        "Rapid Support Forces": ((r"Rapid Support Forces", ("rapid",)),),
        "M23": ((r"March 23 Movement", ("march",)),),
        "Tigray People's Liberation Front": (
            (r"Tigray(?:an)? (?:forces|People's Liberation Front)", ("tigray",)),
        ),
        "Libyan National Army": ((r"Libyan National Army", ("libyan",)),),
        "Arakan Army": ((r"Arakan Army", ("arakan",)),),
        "Coordination of Azawad Movements": ((r"Coordination of Azawad Movements", ("coordination",)),),
        "Fano": ((r"Fano militias?", ("fano",)),),
    },
    demonyms={
        "AF": ("Afghan",),
        "IQ": ("Iraqi",),
        "SY": ("Syrian",),
        "YE": ("Yemeni",),
        "UA": ("Ukrainian",),
        "RU": ("Russian",),
        "SD": ("Sudanese",),
        "SS": ("South Sudanese",),
        "ML": ("Malian",),
        "BF": ("Burkinabe", "Burkinabè"),
        "NE": ("Nigerien",),
        "NG": ("Nigerian",),
        "SO": ("Somali",),
        "ET": ("Ethiopian",),
        "LY": ("Libyan",),
        "IL": ("Israeli",),
        "PK": ("Pakistani",),
        "IR": ("Iranian",),
        "TR": ("Turkish",),
        "US": ("US", "U.S.", "American"),
        "MM": ("Myanmar", "Burmese"),
        "CD": ("Congolese",),
        "MZ": ("Mozambican",),
        "TD": ("Chadian",),
        "AZ": ("Azerbaijani",),
        "AM": ("Armenian",),
        "LB": ("Lebanese",),
        "EG": ("Egyptian",),
        "SA": ("Saudi",),
        "CO": ("Colombian",),
    },  # fmt: skip
    state_force=r"(?-i:{demonym})[- ]" + _FORCE,
    generic_state=(
        r"(?:the\s+)?(?:government|security|regime|state|army|pro-government)\s+(?:forces|troops|soldiers)"
        r"|the\s+(?:army|military)(?!\s+(?:base|bases|operations?|officials?|spokes\w+|sources?|campaign|aid"
        r"|leaders?|junta|court|police))",
        ("the", "government", "security", "regime", "state", "army", "pro-"),
    ),
    anaphor=(
        r"(?:the\s+)?(?:Islamists|insurgents|militants|jihadists|extremists|rebels|fighters|group|militia"
        r"|terrorists|separatists)",
        ("the", "isla", "insu", "mili", "jiha", "extr", "rebe", "figh", "grou", "terr", "sepa"),
    ),
    pronoun=("them|they", ("them", "they")),
    group_suffix=r"\s+(?:militants|fighters|rebels|insurgents|jihadists|group|militia|militias|forces|terrorists)",
)
