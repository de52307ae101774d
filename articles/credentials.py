"""What a clinician's licence letters mean, in plain words, for a reader who does not know them.

Only letters whose meaning is the same wherever a reader meets them are here. Letters missing from
the table are shown as the clinician wrote them, and not explained: a guess about someone's licence
on a health site would be worse than saying nothing. A licence's exact name and scope vary from
state to state, so each meaning says what the letters stand for, not what the licence allows.
"""

import re

MEANINGS = {
    "LCSW": "licensed clinical social worker",
    "LMSW": "licensed master social worker",
    "LPC": "licensed professional counselor",
    "LMFT": "licensed marriage and family therapist",
    "LCADC": "licensed clinical alcohol and drug counselor",
    "CAADC": "certified advanced alcohol and drug counselor",
    "CADC": "certified alcohol and drug counselor",
    "MD": "doctor of medicine, a physician",
    "DO": "doctor of osteopathic medicine, a physician",
    "PSYD": "doctor of psychology",
    "PHD": "a research doctorate",
    "RN": "registered nurse",
    "NP": "nurse practitioner",
    "APRN": "advanced practice registered nurse",
}

_LETTERS = re.compile(r"[A-Za-z][A-Za-z.\-]*")


def meanings(credentials):
    """[(letters as written, meaning), …] for the letters of `credentials` the table knows, in the
    order written, each once: "LPC, LCADC" gives both; "LCSW-C" (a state's own variant) nothing."""
    found, seen = [], set()
    for letters in _LETTERS.findall(credentials or ""):
        key = letters.replace(".", "").upper()
        if key in MEANINGS and key not in seen:
            seen.add(key)
            found.append((letters, MEANINGS[key]))
    return found
