"""The relevance set: questions a member would ask, each with the document that must come in
the top three. Used by ``tests/library/test_relevance.py`` (both databases) and printed as
hit@1 / hit@3 by ``python -m bench.search``.

Keys are search document keys (see ``bot.library.search.documents``). The questions are
written as members type them: whole questions with question words, lower case, misspellings,
other transliterations, the reading list's own spellings.
"""

from __future__ import annotations

RELEVANCE: list[tuple[str, str]] = [
    # -- the resolution ------------------------------------------------------------------------
    ("what did point 8 demand?", "point:8"),
    ("what was point 1 of the kronstadt resolution", "point:1"),
    ("secret ballot", "point:1"),
    ("freedom of speech and press for anarchists", "point:2"),
    ("did the sailors want freedom of assembly for trade unions", "point:3"),
    ("what did the sailors say about political prisoners", "point:5"),
    ("road-block detachments", "point:8"),
    ("equal rations", "point:9"),
    ("what did they demand for the peasants and their land", "point:11"),
    ("officer cadets endorse the resolution", "point:12"),
    ("handicraft production by one's own labour", "point:15"),
    ("travelling control bureau", "point:14"),
    ("who adopted the resolution on anchor square", "event:anchor-square-meeting"),
    ("what was the preamble of the resolution", "resolution:context"),
    ("the 14 point list", "reading:kronstadt-resolution-1921"),
    ("petropavlovsk resolution", "event:petropavlovsk-resolution"),
    # -- people, in any spelling ---------------------------------------------------------------
    ("who was Kozlovsky", "glossary:kozlovsky"),
    ("Tukhachevskii", "glossary:tukhachevsky"),
    ("who led the assault, tukhachevsky?", "glossary:tukhachevsky"),
    ("Machno", "glossary:makhno"),
    ("Volin", "glossary:voline"),
    ("Piriani", "glossary:pirani"),
    ("who was Petrichenco", "glossary:petrichenko"),
    ("Malatesa", "glossary:malatesta"),
    ("who was Dzerzhinsky", "glossary:dzerzhinsky"),
    ("Trotskii", "glossary:trotsky"),
    ("Shlyapnikov and the workers opposition", "glossary:workers-opposition"),
    # -- terms, organisations, places ----------------------------------------------------------
    ("Izvestiia", "glossary:kronstadt-izvestia"),
    ("what were the kursanty", "glossary:kursanty"),
    ("what is politotdel", "glossary:politotdel"),
    ("what was the cheka", "glossary:cheka"),
    ("what was war communism", "glossary:war-communism"),
    ("what does prodrazverstka mean", "glossary:prodrazverstka"),
    ("one-man management", "glossary:one-man-management"),
    ("where is anchor square", "glossary:anchor-square"),
    ("what was the new economic policy", "glossary:nep"),
    # -- events --------------------------------------------------------------------------------
    ("Kropotkin funeral", "event:kropotkin-death"),
    ("when was kronstadt crushed", "event:kronstadt-suppressed"),
    ("when did trotsky send his ultimatum", "event:trotsky-ultimatum"),
    ("when were factions banned in the party", "event:faction-ban"),
    ("when were berkman and goldman deported", "event:buford-deportation"),
    ("the first assault across the ice", "event:first-assault"),
    # -- quotations ----------------------------------------------------------------------------
    ("what did malatesta say about the dictatorship of one party", "excerpt:malatesta-fabbri-1919"),
    ("kropotkin on hostages", "excerpt:kropotkin-lenin-what-a-hostage-is"),
    ("goldman long-cherished dream", "excerpt:goldman-long-cherished-dream"),
    ("trotsky on the passing moods of the workers democracy", "excerpt:trotsky-workers-opposition"),
    (
        "all power to the soviets, keep your hands off them",
        "excerpt:izvestia-all-power-to-the-soviets",
    ),
    ("what did berkman say was the lesson of kronstadt", "excerpt:berkman-kronstadt-lesson"),
    ("maximoff on the recall of deputies", "excerpt:maximoff-recall"),
    # -- readings ------------------------------------------------------------------------------
    ("which reading is about the factory committees", "reading:jones-1984"),
    ("Mckay state and revolution", "reading:mckay-2018"),
    ("Brinton workers control", "reading:brinton-1970"),
    ("the russian revolution in retreat", "reading:pirani-2008"),
]
