"""The geoparser: article text -> dated place mentions -> resolved places -> territorial-change events.

Rooms follow the flow: `articles` (read and date a file), `toponyms` (find mentions), `resolve` (choose
a place), `dates`, `actors`, `events` (who did what where and when), `pipeline` (the one function every
caller runs). Language words and rules live in `lang/`, one module per language.
"""
