"""The categories members describe themselves with, used for breakdowns and targets.

Values are stored; labels are shown. Every list ends with "other", described in
the member's own words.
"""

from __future__ import annotations

PROFESSIONAL_ROLES: dict[str, str] = {
    "care_worker": "Care worker or personal assistant",
    "nurse": "Nurse",
    "social_worker": "Social worker",
    "occupational_therapist": "Occupational therapist",
    "doctor": "GP or other doctor",
    "allied_health": "Other allied health professional",
    "manager": "Manager of a care or health service",
    "commissioner": "Commissioner or planner",
    "voluntary_sector": "Voluntary or community sector worker",
    "housing": "Housing officer",
    "other": "Other",
}

SECTORS: dict[str, str] = {
    "nhs": "NHS",
    "local_authority": "Local authority",
    "independent_care": "Independent care provider",
    "voluntary": "Voluntary and community sector",
    "housing": "Housing",
    "other": "Other",
}

LIVED_EXPERIENCE: dict[str, str] = {
    "receives_care": "Receives care at home",
    "family_or_friend": "Family member or friend arranging care",
    "works_closely": "Works closely with people receiving care",
    "other": "Other",
}

# Dimensions a cohort is described and targeted by: name -> (label, categories or None).
DIMENSIONS: dict[str, tuple[str, dict[str, str] | None]] = {
    "professional_role": ("Professional role", PROFESSIONAL_ROLES),
    "sector": ("Sector", SECTORS),
    "lived_experience": ("Lived experience", LIVED_EXPERIENCE),
    "locality": ("Locality", None),
}


def label_for(dimension: str, value: str) -> str:
    categories = DIMENSIONS[dimension][1]
    if categories is None:
        return value or "Not given"
    return categories.get(value, "Not given")


# Profile fields a membership holds, by role, with their greatest length.
PARTICIPANT_FIELDS: dict[str, int] = {
    "professional_role": 40,
    "professional_role_other": 100,
    "sector": 40,
    "organisation": 200,
    "locality": 100,
}
WITNESS_FIELDS: dict[str, int] = {
    "lived_experience": 40,
    "lived_experience_other": 200,
    "display_name": 100,
}
PROFILE_FIELDS: dict[str, dict[str, int]] = {
    "participant": PARTICIPANT_FIELDS,
    "witness": WITNESS_FIELDS,
}
# Fields whose value must be one of a category list.
CATEGORY_FIELDS: dict[str, dict[str, str]] = {
    "professional_role": PROFESSIONAL_ROLES,
    "sector": SECTORS,
    "lived_experience": LIVED_EXPERIENCE,
}


def profile_for_role(role: str, data: dict[str, object]) -> dict[str, str]:
    """The profile fields in ``data`` that a member in ``role`` may hold.

    Only known fields with non-empty text survive, cut to the column's length;
    a category field survives only with a known category value.
    """
    fields = PROFILE_FIELDS.get(role, {})
    profile: dict[str, str] = {}
    for name, length in fields.items():
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip()[:length]
        if name in CATEGORY_FIELDS and value not in CATEGORY_FIELDS[name]:
            continue
        profile[name] = value
    return profile
