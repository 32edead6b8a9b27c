"""scripts/tests/validate_ocds.py: OK for a valid package, every error path for a broken one.

Run: python3 -m unittest discover -s scripts/tests -v
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

VALIDATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "validate_ocds.py")

VALID = {
    "uri": "http://localhost/api/cases/0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b/ocds",
    "version": "1.1",
    "publishedDate": "2026-11-25T17:36:34.727385+00:00",
    "publisher": {"name": "Organisation acheteuse"},
    "releases": [{
        "ocid": "ocds-dms000-0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b",
        "id": "ocds-dms000-0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b-" + "ab" * 32,
        "date": "2026-11-25T17:36:34.727385+00:00",
        "tag": ["award"],
        "initiationType": "tender",
        "tender": {"id": "0b6e3c9a-5d1f-4c2e-9a7b-3e8f1d2c4a5b", "status": "complete", "procurementMethod": "open"},
        "awards": [{"id": "a", "status": "active", "value": {"amount": 12500000, "currency": "XOF"}}],
    }],
}


def has_jsonschema():
    return subprocess.run([sys.executable, "-c", "import jsonschema"], capture_output=True).returncode == 0


@unittest.skipUnless(has_jsonschema(), "jsonschema is not installed for %s" % sys.executable)
class ValidateOCDSTests(unittest.TestCase):
    def run_validator(self, document, *, stdin=False):
        text = document if isinstance(document, str) else json.dumps(document)
        if stdin:
            return subprocess.run([sys.executable, VALIDATOR], input=text, capture_output=True, text=True)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write(text)
        try:
            return subprocess.run([sys.executable, VALIDATOR, handle.name], capture_output=True, text=True)
        finally:
            os.unlink(handle.name)

    def test_valid_package_is_ok_from_a_file_and_from_stdin(self):
        for stdin in (False, True):
            result = self.run_validator(VALID, stdin=stdin)
            self.assertEqual((result.returncode, result.stdout.strip()), (0, "OK"), result.stderr)

    def test_every_error_is_named_with_its_path(self):
        broken = json.loads(json.dumps(VALID))
        del broken["publishedDate"]
        release = broken["releases"][0]
        release["tag"] = ["bogus"]
        release["tender"]["status"] = "best"
        release["awards"][0]["value"]["currency"] = "FCFA"
        result = self.run_validator(broken)
        self.assertEqual(result.returncode, 1)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 4, result.stdout)
        for path in ("/: ", "/releases/0/tag/0: ", "/releases/0/tender/status: ", "/releases/0/awards/0/value/currency: "):
            self.assertTrue(any(line.startswith(path) for line in lines), path + " in " + result.stdout)

    def test_the_release_reference_is_resolved_locally(self):
        # A release without its required fields fails against the release schema the package refers to.
        broken = json.loads(json.dumps(VALID))
        broken["releases"][0] = {"tag": ["tender"]}
        result = self.run_validator(broken)
        self.assertEqual(result.returncode, 1)
        for field in ("ocid", "id", "date", "initiationType"):
            self.assertIn("'%s' is a required property" % field, result.stdout)

    def test_a_page_of_releases_is_validated_through_its_package(self):
        result = self.run_validator({"package": VALID, "next_cursor": None})
        self.assertEqual((result.returncode, result.stdout.strip()), (0, "OK"), result.stderr)
        broken = json.loads(json.dumps(VALID))
        del broken["uri"]
        result = self.run_validator({"package": broken, "next_cursor": "abc"})
        self.assertEqual((result.returncode, result.stdout.strip()), (1, "/: 'uri' is a required property"))
        result = self.run_validator({"package": None, "next_cursor": None})
        self.assertEqual(result.returncode, 2)
        self.assertIn("empty page", result.stderr)

    def test_not_json_cannot_be_validated(self):
        result = self.run_validator("{not json")
        self.assertEqual(result.returncode, 2)
        self.assertIn("cannot read a JSON document", result.stderr)


if __name__ == "__main__":
    unittest.main()
