"""French labels of INSEE legal categories (catégories juridiques).

The full nomenclature has ~250 level-III codes; the common ones are named here and any other
code falls back to its level-I family, so a label is always cheap and never wrong.
Source: INSEE, « Catégories juridiques », niveaux I et III.
"""

from __future__ import annotations

_LEVEL_III = {
    "1000": "Entrepreneur individuel",
    "5202": "Société en nom collectif",
    "5306": "Société en commandite simple",
    "5385": "Société d'exercice libéral en commandite par actions",
    "5485": "Société d'exercice libéral à responsabilité limitée",
    "5498": "SARL unipersonnelle",
    "5499": "Société à responsabilité limitée (sans autre indication)",
    "5510": "SA nationale à conseil d'administration",
    "5599": "SA à conseil d'administration (s.a.i.)",
    "5699": "SA à directoire (s.a.i.)",
    "5710": "SAS, société par actions simplifiée",
    "5720": "Société par actions simplifiée à associé unique",
    "5785": "Société d'exercice libéral par action simplifiée",
    "6540": "Société civile immobilière",
    "9210": "Association non déclarée",
    "9220": "Association déclarée",
}

_LEVEL_I = {
    "1": "Entrepreneur individuel",
    "2": "Groupement de droit privé non doté de la personnalité morale",
    "3": "Personne morale de droit étranger",
    "4": "Personne morale de droit public soumise au droit commercial",
    "5": "Société commerciale",
    "6": "Autre personne morale immatriculée au RCS",
    "7": "Personne morale et organisme soumis au droit administratif",
    "8": "Organisme privé spécialisé",
    "9": "Groupement de droit privé",
}


def legal_form_label(code: str | None) -> str | None:
    if not code:
        return None
    return _LEVEL_III.get(code) or _LEVEL_I.get(code[0])
