"""Write the malformed-case corpus and its expectations (run from the repository root).

    .venv/bin/python tests/corpus/generate.py

Each entry is one small hostile or broken case file in ``tests/corpus/malformed/`` and an
entry in ``expectations.json``: what the file is, and the text ``rlsdesk check`` and
``rlsdesk sheet`` must print on standard error (every string listed, exit status 2).
Big inputs (a 20 MB string, deep nesting, a file of several GB) are generated at test time
by tests/test_malformed_inputs.py instead of being committed.
"""

from __future__ import annotations

import copy
import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MALFORMED = HERE / "malformed"

# A realistic valid case (the example of shared/case-format.md); each entry breaks one thing.
VALID: dict[str, Any] = {
    "format": "rlsdesk-case/1",
    "patient": {"name": "Jane Example", "identifier": "MRN-0001",
                "age_years": 46, "sex": "female", "weight_kg": 68},
    "presentation": {"rls": True, "leg_cramps": False, "irls_score": 22,
                     "oral_iron_failed": False},
    "pregnancy": {"status": "not_pregnant"},
    "kidney": {"egfr": None, "dialysis": "none"},
    "labs": [
        {"analyte": "ferritin", "value": 38, "unit": "ng/mL", "date": "2026-11-02"},
        {"analyte": "tsat", "value": 17, "unit": "%"},
        {"analyte": "creatinine", "value": 0.8, "unit": "mg/dL"},
    ],
    "conditions": ["diabetes"],
    "medications": [{"name": "Zoloft", "dose": "50 mg daily"}, {"name": "levothyroxine"}],
    "supplements": [{"name": "magnesium oxide", "dose": "400 mg at night"}],
}  # fmt: skip

VALID_TEXT = json.dumps(VALID, indent=2, ensure_ascii=False)
ENTRIES: dict[str, dict[str, Any]] = {}
FILES: dict[str, bytes] = {}


def raw(name: str, data: bytes, about: str, *stderr: str) -> None:
    assert name not in ENTRIES, name
    FILES[name] = data
    ENTRIES[name] = {"about": about, "stderr": list(stderr)}


def text(name: str, content: str, about: str, *stderr: str) -> None:
    raw(name, content.encode("utf-8"), about, *stderr)


def case(name: str, change: Callable[[dict[str, Any]], object], about: str, *stderr: str) -> None:
    document = copy.deepcopy(VALID)
    change(document)
    text(name, json.dumps(document, indent=2, ensure_ascii=False), about, *stderr)


def put(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """Set a dotted path ('patient.age_years', 'labs.0.value') to a value."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for step in parents:
            target = target[int(step)] if isinstance(target, list) else target[step]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for step in parents:
            target = target[int(step)] if isinstance(target, list) else target[step]
        del target[last]

    return change


def replace_text(old: str, new: str) -> str:
    assert old in VALID_TEXT, old
    return VALID_TEXT.replace(old, new, 1)


def build() -> None:
    # --- not a case file at all, or not text -------------------------------------------
    raw("empty.json", b"", "an empty file", "file is empty")
    raw("whitespace_only.json", b" \n\t\r\n", "only whitespace", "file is empty")
    raw("bom.json", b"\xef\xbb\xbf" + VALID_TEXT.encode(), "UTF-8 with a byte-order mark",
        "byte-order mark")  # fmt: skip
    raw("latin1.json", replace_text("Jane Example", "José Núñez").encode("latin-1"),
        "saved as Latin-1, not UTF-8", "not UTF-8")  # fmt: skip
    raw("utf16.json", VALID_TEXT.encode("utf-16"), "saved as UTF-16", "not UTF-8")
    raw("png_header.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01" + bytes(64),
        "a PNG image renamed to .json", "not UTF-8")  # fmt: skip
    raw("pdf_header.json", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "a PDF renamed to .json", "not UTF-8")  # fmt: skip
    raw("gzip.json", gzip.compress(VALID_TEXT.encode(), mtime=0), "a gzip-compressed case",
        "not UTF-8")  # fmt: skip
    text("csv.json", "analyte,value,unit\nferritin,38,ng/mL\ntsat,17,%\n", "a CSV export",
         "not valid JSON")  # fmt: skip
    text("xml.json", '<?xml version="1.0"?>\n<case><age>46</age></case>\n', "an XML document",
         "not valid JSON")  # fmt: skip
    text("yaml.json", "format: rlsdesk-case/1\npatient:\n  age_years: 46\n", "YAML, not JSON",
         "not valid JSON")  # fmt: skip
    raw("nul_bytes.json", b"\x00" * 32, "NUL bytes", "not valid JSON")
    raw("nul_inside.json", VALID_TEXT.encode()[:40] + b"\x00" + VALID_TEXT.encode()[40:],
        "a NUL byte inside the document", "not valid JSON")  # fmt: skip
    # --- broken JSON ----------------------------------------------------------------
    half = len(VALID_TEXT) // 2
    text("truncated_half.json", VALID_TEXT[:half], "cut off half way", "not valid JSON")
    text("truncated_last_brace.json", VALID_TEXT.rstrip()[:-1], "missing the last brace",
         "not valid JSON")  # fmt: skip
    text("truncated_in_string.json", VALID_TEXT[: VALID_TEXT.index("Jane") + 2],
         "cut off inside a string", "not valid JSON", "Unterminated string")  # fmt: skip
    text("truncated_after_key.json", '{"format": ', "cut off after a key", "not valid JSON")
    text("trailing_comma.json", replace_text('"diabetes"', '"diabetes",'),
         "a trailing comma", "not valid JSON")  # fmt: skip
    text("single_quotes.json", VALID_TEXT.replace('"', "'"), "single-quoted strings",
         "not valid JSON")  # fmt: skip
    text("comment.json", "// exported by hand\n" + VALID_TEXT, "a // comment",
         "not valid JSON")  # fmt: skip
    text("two_documents.json", VALID_TEXT + "\n" + VALID_TEXT, "two cases in one file",
         "not valid JSON", "Extra data")  # fmt: skip
    text("unquoted_key.json", replace_text('"format"', "format"), "an unquoted key",
         "not valid JSON")  # fmt: skip
    text("nan_value.json", replace_text('"value": 38', '"value": NaN'), "NaN as a lab value",
         "NaN is not a number JSON allows")  # fmt: skip
    text("infinity_egfr.json", replace_text('"egfr": null', '"egfr": Infinity'),
         "Infinity as eGFR", "Infinity is not a number JSON allows")  # fmt: skip
    text("negative_infinity.json", replace_text('"value": 17', '"value": -Infinity'),
         "-Infinity as a lab value", "-Infinity is not a number JSON allows")  # fmt: skip
    text("duplicate_top_key.json", replace_text('"format": "rlsdesk-case/1",',
         '"format": "rlsdesk-case/1",\n  "format": "rlsdesk-case/1",'),
         "a top-level key twice", "the key 'format' appears twice")  # fmt: skip
    text("duplicate_nested_key.json", replace_text('"age_years": 46,',
         '"age_years": 46,\n    "age_years": 64,'),
         "two different ages", "the key 'age_years' appears twice")  # fmt: skip
    text("huge_integer_digits.json", replace_text('"age_years": 46', '"age_years": 1' + "0" * 5000),
         "an integer with 5,001 digits", "not valid JSON")  # fmt: skip
    text("lone_surrogate.json", replace_text('"Jane Example"', '"Jane \\ud800Example"'),
         "an unpaired UTF-16 surrogate escape in the name", "patient.name")  # fmt: skip
    # --- not an object, wrong format version -------------------------------------------
    text("top_array.json", "[" + VALID_TEXT + "]", "a case inside an array",
         "a case must be a JSON object")  # fmt: skip
    text("top_string.json", '"rlsdesk-case/1"', "a bare string", "a case must be a JSON object")
    text("top_null.json", "null", "null", "a case must be a JSON object")
    text("top_number.json", "46", "a bare number", "a case must be a JSON object")
    text("empty_object.json", "{}", "an empty object", "format: Field required",
         "patient: Field required", "kidney: Field required")  # fmt: skip
    case("future_version.json", put("format", "rlsdesk-case/2"), "a newer format version",
         "format: 'rlsdesk-case/2' is not supported")  # fmt: skip
    case("older_version.json", put("format", "rlsdesk-case/0"), "an unknown older version",
         "format: 'rlsdesk-case/0' is not supported")  # fmt: skip
    case("foreign_format.json", put("format", "fhir-bundle/4"), "another program's format",
         "format: Input should be 'rlsdesk-case/1'")  # fmt: skip
    case("format_number.json", put("format", 1), "format as a number", "format:")
    case("missing_format.json", drop("format"), "no format tag", "format: Field required")
    # --- missing required fields --------------------------------------------------------
    case("missing_patient.json", drop("patient"), "no patient", "patient: Field required")
    case("missing_age.json", drop("patient.age_years"), "no age",
         "patient.age_years: Field required")  # fmt: skip
    case("missing_sex.json", drop("patient.sex"), "no sex", "patient.sex: Field required")
    case("missing_rls.json", drop("presentation.rls"), "RLS presence not stated",
         "presentation.rls: Field required")  # fmt: skip
    case("missing_pregnancy.json", drop("pregnancy"), "no pregnancy status",
         "pregnancy: Field required")  # fmt: skip
    case("missing_dialysis.json", drop("kidney.dialysis"), "no dialysis status",
         "kidney.dialysis: Field required")  # fmt: skip
    case("missing_lab_unit.json", drop("labs.0.unit"), "a lab without a unit",
         "labs[0].unit: Field required")  # fmt: skip
    case("missing_lab_value.json", drop("labs.1.value"), "a lab without a value",
         "labs[1].value: Field required")  # fmt: skip
    case("missing_medication_name.json", drop("medications.1.name"), "a medication without name",
         "medications[1].name: Field required")  # fmt: skip
    # --- nulls ----------------------------------------------------------------------------
    case("null_patient.json", put("patient", None), "patient is null", "patient:")
    case("null_age.json", put("patient.age_years", None), "age is null", "patient.age_years:")
    case("null_sex.json", put("patient.sex", None), "sex is null", "patient.sex:")
    case("null_lab_value.json", put("labs.0.value", None), "a null lab value", "labs[0].value:")
    case("null_labs.json", put("labs", None), "labs is null", "labs: Input should be a valid list")
    case("null_lab_entry.json", put("labs.2", None), "a null lab entry", "labs[2]:")
    case("null_rls.json", put("presentation.rls", None), "RLS is null", "presentation.rls:")
    # --- wrong types ----------------------------------------------------------------------
    case("age_as_string.json", put("patient.age_years", "46"), "age as text",
         "patient.age_years: Input should be a valid integer")  # fmt: skip
    case("age_as_float.json", put("patient.age_years", 46.5), "a fractional age",
         "patient.age_years:")  # fmt: skip
    case("age_as_bool.json", put("patient.age_years", True), "age true",
         "patient.age_years: Input should be a valid integer")  # fmt: skip
    case("rls_as_string.json", put("presentation.rls", "yes"), "RLS 'yes'",
         "presentation.rls: Input should be a valid boolean")  # fmt: skip
    case("rls_as_number.json", put("presentation.rls", 1), "RLS 1",
         "presentation.rls: Input should be a valid boolean")  # fmt: skip
    case("lab_value_as_string.json", put("labs.0.value", "38"), "a lab value as text",
         "labs[0].value: Input should be a valid number")  # fmt: skip
    case("lab_value_with_unit_text.json", put("labs.0.value", "38 ng/mL"), "value and unit in one",
         "labs[0].value: Input should be a valid number")  # fmt: skip
    case("labs_as_object.json", put("labs", {"ferritin": 38}), "labs as a mapping",
         "labs: Input should be a valid list")  # fmt: skip
    case("conditions_as_string.json", put("conditions", "diabetes"), "conditions as one string",
         "conditions: Input should be a valid list")  # fmt: skip
    case("medications_as_strings.json", put("medications", ["Zoloft", "levothyroxine"]),
         "medication names without objects", "medications[0]:", "medications[1]:")  # fmt: skip
    case("trimester_as_string.json", lambda d: d.update(pregnancy={"status": "pregnant",
         "trimester": "2"}), "trimester as text", "pregnancy.trimester:")  # fmt: skip
    case("trimester_as_bool.json", lambda d: d.update(pregnancy={"status": "pregnant",
         "trimester": True}), "trimester true (would be read as 1)",
         "pregnancy.trimester:")  # fmt: skip
    case("weight_as_string.json", put("patient.weight_kg", "68 kg"), "weight with its unit",
         "patient.weight_kg: Input should be a valid number")  # fmt: skip
    case("irls_as_float.json", put("presentation.irls_score", 22.5), "a fractional IRLS",
         "presentation.irls_score:")  # fmt: skip
    case("name_as_number.json", put("patient.name", 12345), "a numeric name",
         "patient.name: Input should be a valid string")  # fmt: skip
    case("lab_date_as_number.json", put("labs.0.date", 0), "a date as a number (epoch 0)",
         "labs[0].date:")  # fmt: skip
    case("lab_date_us_style.json", put("labs.0.date", "11/02/2026"), "a date as MM/DD/YYYY",
         "labs[0].date:")  # fmt: skip
    case("lab_date_impossible.json", put("labs.0.date", "2026-02-30"), "30 February",
         "labs[0].date:")  # fmt: skip
    case("lab_date_unix_text.json", put("labs.0.date", "1700000000"), "a Unix time as text",
         "labs[0].date:", "YYYY-MM-DD")  # fmt: skip
    case("lab_date_zero_text.json", put("labs.0.date", "0"), "the date '0'",
         "labs[0].date:", "YYYY-MM-DD")  # fmt: skip
    case("lab_date_with_time.json", put("labs.0.date", "2026-11-02T08:30"), "a date with a time",
         "labs[0].date:", "YYYY-MM-DD")  # fmt: skip
    case("lab_date_with_zone.json", put("labs.0.date", "2026-11-02 00:00:00Z"),
         "a date with a time zone", "labs[0].date:", "YYYY-MM-DD")  # fmt: skip
    case("lab_date_unpadded.json", put("labs.0.date", "2026-1-5"), "an unpadded date",
         "labs[0].date:", "YYYY-MM-DD")  # fmt: skip
    case("lab_same_date_two_values.json", put("labs.1", {"analyte": "ferritin", "value": 45,
         "unit": "ng/mL", "date": "2026-11-02"}), "two ferritins on one date",
         "labs[1]: ferritin on 2026-11-02 twice with different values",
         "labs[0] 38 ng/mL", "labs[1] 45 ng/mL")  # fmt: skip
    case("lab_dated_and_undated.json", put("labs.1", {"analyte": "ferritin", "value": 45,
         "unit": "ng/mL"}), "a dated and an undated ferritin",
         "labs[1].date: ferritin has dated and undated results")  # fmt: skip
    case("creatinine_umol_value_in_mg_dl.json", put("labs.2", {"analyte": "creatinine",
         "value": 80, "unit": "mg/dL"}), "creatinine 80 labelled mg/dL (it was µmol/L)",
         "labs[2].value:", "it fits µmol/L: a likely unit mix-up")  # fmt: skip
    # --- out-of-range numbers -----------------------------------------------------------
    case("age_negative.json", put("patient.age_years", -1), "age -1",
         "patient.age_years: Input should be greater than or equal to 0")  # fmt: skip
    case("age_huge.json", put("patient.age_years", 10**12), "age 10^12",
         "patient.age_years: Input should be less than or equal to 120")  # fmt: skip
    case("weight_zero.json", put("patient.weight_kg", 0), "weight 0", "patient.weight_kg:")
    case("weight_huge.json", put("patient.weight_kg", 1e300), "weight 1e300",
         "patient.weight_kg:")  # fmt: skip
    case("egfr_negative.json", put("kidney.egfr", -5), "eGFR -5", "kidney.egfr:")
    case("egfr_huge.json", put("kidney.egfr", 1e9), "eGFR 10^9", "kidney.egfr:")
    text("egfr_overflow.json", replace_text('"egfr": null', '"egfr": -1e400'),
         "eGFR that overflows to -infinity", "kidney.egfr:")  # fmt: skip
    text("lab_value_overflow.json", replace_text('"value": 38', '"value": 1e400'),
         "a lab value that overflows to infinity", "labs[0].value:", "finite")  # fmt: skip
    text("lab_value_bigint.json", replace_text('"value": 38', '"value": 1' + "0" * 400),
         "a 401-digit integer lab value", "labs[0].value:")  # fmt: skip
    case("irls_too_high.json", put("presentation.irls_score", 41), "IRLS 41",
         "presentation.irls_score:")  # fmt: skip
    case("lab_value_negative.json", put("labs.0.value", -38), "ferritin -38",
         "labs[0].value: must not be negative")  # fmt: skip
    case("lab_value_max_float.json", put("labs.0.value", 1.7e308), "ferritin 1.7e308",
         "labs[0].value:", "not a possible ferritin value")  # fmt: skip
    case("potassium_impossible.json", put("labs.2", {"analyte": "potassium", "value": 45,
         "unit": "mmol/L"}), "potassium 45 mmol/L", "labs[2].value:",
         "not a possible potassium value")  # fmt: skip
    case("tsat_over_100.json", put("labs.1.value", 130), "transferrin saturation 130 %",
         "labs[1].value:")  # fmt: skip
    # --- wrong units ----------------------------------------------------------------------
    case("unit_mg_for_magnesium.json", put("labs.2", {"analyte": "magnesium", "value": 2.0,
         "unit": "mg"}), "magnesium in mg",
         "labs[2].unit: 'mg' is not a unit for magnesium")  # fmt: skip
    case("unit_percent_for_ferritin.json", put("labs.0.unit", "%"), "ferritin in %",
         "labs[0].unit: '%' is not a unit for ferritin")  # fmt: skip
    case("unit_empty.json", put("labs.0.unit", ""), "an empty unit", "labs[0].unit:")
    case("unit_mgdl_for_potassium.json", put("labs.2", {"analyte": "potassium", "value": 4.1,
         "unit": "mg/dL"}), "potassium in mg/dL",
         "labs[2].unit: 'mg/dL' is not a unit for potassium")  # fmt: skip
    case("unit_as_number.json", put("labs.0.unit", 1), "a unit that is a number",
         "labs[0].unit: Input should be a valid string")  # fmt: skip
    case("hemoglobin_g_per_l_value_in_g_per_dl.json", put("labs.2", {"analyte": "hemoglobin",
         "value": 130, "unit": "g/dL"}), "hemoglobin 130 labelled g/dL (it was g/L)",
         "labs[2].value:", "not a possible hemoglobin value", "it fits g/L")  # fmt: skip
    # --- unknown ids and extra fields -----------------------------------------------------
    case("unknown_analyte.json", put("labs.1.analyte", "sodium"), "an analyte rlsdesk lacks",
         "labs[1].analyte: 'sodium' is not an analyte")  # fmt: skip
    case("unknown_condition.json", put("conditions", ["diabetes", "gout"]), "condition 'gout'",
         "conditions[1]: 'gout' is not a condition id")  # fmt: skip
    case("duplicate_condition.json", put("conditions", ["diabetes", "diabetes"]),
         "a condition twice", "conditions: a condition is listed twice")  # fmt: skip
    case("unknown_sex.json", put("patient.sex", "other"), "sex 'other'", "patient.sex:")
    case("unknown_pregnancy_status.json", put("pregnancy.status", "yes"), "pregnancy 'yes'",
         "pregnancy.status:")  # fmt: skip
    case("unknown_dialysis.json", put("kidney.dialysis", "yes"), "dialysis 'yes'",
         "kidney.dialysis:")  # fmt: skip
    case("extra_top_field.json", put("notes", "call back"), "an unknown top-level field",
         "notes: Extra inputs are not permitted")  # fmt: skip
    case("extra_patient_field.json", put("patient.date_of_birth", "1980-01-01"),
         "date of birth (not part of the format)",
         "patient.date_of_birth: Extra inputs are not permitted")  # fmt: skip
    case("extra_lab_field.json", put("labs.0.reference_range", "30-400"),
         "a lab's own reference range", "labs[0].reference_range: Extra inputs")  # fmt: skip
    case("extra_medication_field.json", put("medications.0.route", "oral"),
         "a medication route", "medications[0].route: Extra inputs")  # fmt: skip
    # --- contradictions -------------------------------------------------------------------
    case("trimester_without_pregnancy.json", put("pregnancy.trimester", 2),
         "a trimester but not pregnant",
         "pregnancy.trimester: given, but status is 'not_pregnant'")  # fmt: skip
    case("pregnant_without_trimester.json", put("pregnancy.status", "pregnant"),
         "pregnant without a trimester",
         "pregnancy.trimester: required when status is pregnant")  # fmt: skip
    case("trimester_four.json", lambda d: d.update(pregnancy={"status": "pregnant",
         "trimester": 4}), "trimester 4", "pregnancy.trimester:")  # fmt: skip
    case("male_pregnant.json", lambda d: (d["patient"].update(sex="male"),
         d.update(pregnancy={"status": "pregnant", "trimester": 2})), "a pregnant man",
         "pregnancy.status: 'pregnant' but patient.sex is 'male'")  # fmt: skip
    case("male_breastfeeding.json", lambda d: (d["patient"].update(sex="male"),
         d.update(pregnancy={"status": "breastfeeding"})), "a breastfeeding man",
         "pregnancy.status: 'breastfeeding' but patient.sex is 'male'")  # fmt: skip
    case("future_lab_date.json", put("labs.0.date", "2999-01-01"), "a result from the future",
         "labs[0].date: 2999-01-01 is in the future")  # fmt: skip
    case("ancient_lab_date.json", put("labs.0.date", "1850-06-01"), "a result from 1850",
         "labs[0].date: 1850-06-01 is implausibly old")  # fmt: skip
    # --- lengths --------------------------------------------------------------------------
    case("name_too_long.json", put("patient.name", "J" * 201), "a 201-character name",
         "patient.name: String should have at most 200 characters")  # fmt: skip
    case("identifier_too_long.json", put("patient.identifier", "9" * 5000),
         "a 5,000-character identifier", "patient.identifier:")  # fmt: skip
    case("medication_name_blank.json", put("medications.0.name", "   "), "a blank medication",
         "medications[0].name:", "must not be blank")  # fmt: skip
    case("medication_name_empty.json", put("supplements.0.name", ""), "an empty supplement",
         "supplements[0].name:")  # fmt: skip
    case("too_many_labs.json", put("labs", [VALID["labs"][1]] * 501), "501 lab results",
         "labs: List should have at most 500 items")  # fmt: skip
    case("too_many_conditions.json", put("conditions", ["diabetes"] * 101), "101 conditions",
         "conditions:")  # fmt: skip
    # --- many problems at once: each is named -------------------------------------------
    case("several_problems.json", lambda d: (d["labs"].append({"analyte": "magnesium",
         "value": 2, "unit": "mg"}), d["labs"][0].update(value=-1),
         d["conditions"].append("gout")), "three problems in one case",
         "labs[0].value: must not be negative", "labs[3].unit: 'mg' is not a unit",
         "conditions[1]: 'gout' is not a condition id")  # fmt: skip


def main() -> None:
    build()
    MALFORMED.mkdir(exist_ok=True)
    for old in MALFORMED.iterdir():
        old.unlink()
    for name, data in FILES.items():
        (MALFORMED / name).write_bytes(data)
    (HERE / "valid.json").write_text(VALID_TEXT + "\n", "utf-8")
    (HERE / "expectations.json").write_text(
        json.dumps(ENTRIES, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8"
    )
    print(f"{len(FILES)} malformed cases written to {MALFORMED}")


if __name__ == "__main__":
    main()
