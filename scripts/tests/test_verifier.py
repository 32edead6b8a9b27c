"""The auditor's archive verifier against archives built here from docs/ARCHIVE.md, not by the service.

Run: python3 -m unittest discover -s scripts/tests -v
Each tamper is what someone rewriting the zip could do; most also rewrite MANIFEST.sha256, since
the manifest proves nothing by itself: the chain and the checkpoints must catch them.
"""
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid
import warnings
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESOURCES = os.path.join(ROOT, "Sources", "DMSApp", "Resources", "archive")
VERIFIER = os.path.join(RESOURCES, "verifier.py")
ZEROS = "0" * 64


def sha256_hex(data):
    return hashlib.sha256(data if isinstance(data, bytes) else data.encode("utf-8")).hexdigest()


def jsonb_text(value):
    """JSON as PostgreSQL's jsonb::text writes it: keys by length then bytes, ", " and ": "."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode("utf-8")), key.encode("utf-8")))
        return "{" + ", ".join(json.dumps(key, ensure_ascii=False) + ": " + jsonb_text(value[key]) for key in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(jsonb_text(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


class ArchiveBuilder:
    """A consistent archive as a dict {path: bytes}; tests tamper with it, then write it."""

    def __init__(self, seals=(2, None, 4, 6)):
        # seals[i] is the seq of this case that checkpoint i+1 seals (None: only other cases grew).
        self.case_id, self.other_cases = str(uuid.uuid4()), sorted(str(uuid.uuid4()) for _ in range(2))
        self.actor_id = str(uuid.uuid4())
        self.files, self.events = {}, []
        offer, quote = os.urandom(3000) + b"%%EOF", b"PK\x03\x04" + os.urandom(2000)
        cba = b"PK\x03\x04" + os.urandom(5000)
        self.event("case_created", {"case_type": "DAO", "title": "Fournitures de bureau", "lot": None})
        self.document("offre.pdf", offer)
        self.document("devis électricité.docx", quote)
        self.event("analysis_run", {"criteria": 4, "suppliers": ["alpha", "beta"], "warnings": []})
        self.event("report_issued", {"kind": "cba", "version": 1, "filename": "CBA_DAO.xlsx", "sha256": sha256_hex(cba),
                                     "size": len(cba), "memory_head": "ab" * 32})
        self.files["reports/cba-v1/CBA_DAO.xlsx"] = cba
        self.event("decision_recorded", {"chosen_supplier": "alpha", "decision_reason": "mieux-disant", "next_action": None})
        self.checkpoints = self.seal(seals)

    def event(self, kind, payload):
        seq, prev = len(self.events) + 1, self.events[-1]["hash"] if self.events else ZEROS
        at = "2026-11-29T10:00:{:02d}.123456Z".format(seq)
        hashed = {"case_id": self.case_id, "seq": seq, "type": kind, "actor": "agent@example.org", "at": at, "payload": payload}
        if seq % 2 == 0:
            hashed["actor_id"] = self.actor_id
        canonical = jsonb_text(hashed)
        line = dict(id=100 + seq, case_id=self.case_id, seq=seq, type=kind, actor="agent@example.org",
                    actor_id=hashed.get("actor_id"), at=at, payload=payload, prev_hash=prev,
                    hash=sha256_hex(prev + canonical), canonical=canonical)
        self.events.append(line)

    def document(self, filename, data):
        document_id = str(uuid.uuid4())
        self.event("document_uploaded", {"document_id": document_id, "kind": "offer", "filename": filename,
                                         "media_type": "application/pdf", "size": len(data), "sha256": sha256_hex(data)})
        self.files["documents/{}/{}".format(document_id, filename)] = data

    def seal(self, seals):
        chain, prev = [], ZEROS
        for number, sealed in enumerate(seals, 1):
            heads = [{"case_id": self.other_cases[number % 2], "seq": number * 3, "hash": sha256_hex(str(number))}]
            if sealed is not None:
                heads.append({"case_id": self.case_id, "seq": sealed, "hash": self.events[sealed - 1]["hash"]})
            checkpoint = {"seq": number, "prev_hash": prev, "sealed_at": "2026-11-29T11:00:{:02d}.000000Z".format(number),
                          "heads": heads}
            checkpoint["hash"] = sha256_hex(checkpoint_text(checkpoint))
            chain.append(checkpoint)
            prev = checkpoint["hash"]
        # In the archive: those that seal this case, and the latest.
        return [c for c in chain if any(h["case_id"] == self.case_id for h in c["heads"]) or c is chain[-1]]

    def entries(self, events=None, checkpoints=None):
        events = self.events if events is None else events
        checkpoints = self.checkpoints if checkpoints is None else checkpoints
        entries = dict(self.files)
        with open(VERIFIER, "rb") as verifier, open(os.path.join(RESOURCES, "LISEZMOI.txt"), "rb") as readme:
            entries["verifier.py"], entries["LISEZMOI.txt"] = verifier.read(), readme.read()
        case = {"format": "dms-archive/1", "archived_at": events[-1]["at"], "memory_head": "cd" * 32,
                "case": {"id": self.case_id, "case_type": "DAO", "title": "Fournitures de bureau", "status": "decided"}}
        entries["case.json"] = json.dumps(case, ensure_ascii=False, indent=2).encode("utf-8")
        entries["events.jsonl"] = jsonl(events)
        entries["checkpoints.jsonl"] = jsonl(checkpoints)
        return with_manifest(entries)


def checkpoint_text(checkpoint):
    heads = sorted(checkpoint["heads"], key=lambda head: head["case_id"])
    return "dms-checkpoint/1\nseq {}\nprev {}\nsealed_at {}\n".format(checkpoint["seq"], checkpoint["prev_hash"], checkpoint["sealed_at"]) \
        + "".join("{} {} {}\n".format(head["case_id"], head["seq"], head["hash"]) for head in heads)


def jsonl(objects):
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in objects).encode("utf-8")


def with_manifest(entries):
    """The entries with MANIFEST.sha256 (re)written over every other entry, sorted by UTF-8 path."""
    entries = {name: data for name, data in entries.items() if name != "MANIFEST.sha256"}
    names = sorted(entries, key=lambda name: name.encode("utf-8"))
    entries["MANIFEST.sha256"] = "".join("{}  {}\n".format(sha256_hex(entries[name]), name) for name in names).encode("utf-8")
    return entries


def flip(data, needle, occurrence=0):
    """data with one bit flipped in the first byte of the occurrence-th `needle`."""
    index = -1
    for _ in range(occurrence + 1):
        index = data.index(needle, index + 1)
    return flip_at(data, index)


def flip_at(data, index):
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1:]


def manifest_line(entries, name):
    lines = entries["MANIFEST.sha256"].decode("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.endswith("  " + name))


class Unseekable(io.RawIOBase):
    """A file zipfile cannot seek back into, so it writes data descriptors as a stream would."""

    def __init__(self, file):
        super().__init__()
        self.file = file

    def writable(self):
        return True

    def write(self, data):
        return self.file.write(data)


class VerifierTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="dms-archive-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.builder = ArchiveBuilder()

    def write_zip(self, entries):
        """Streamed like the service's: stored, data descriptors (bit 3), UTF-8 names (bit 11)."""
        path = os.path.join(self.tmp, "archive.zip")
        with open(path, "wb") as file, zipfile.ZipFile(Unseekable(file), "w", zipfile.ZIP_STORED) as archive:
            for name in sorted(entries):
                archive.writestr(zipfile.ZipInfo(name, (2026, 11, 29, 10, 0, 6)), entries[name])
        return path

    def write_directory(self, entries):
        root = os.path.join(self.tmp, "archive")
        for name, data in entries.items():
            path = os.path.join(root, *name.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as file:
                file.write(data)
        return root

    def run_verifier(self, *arguments, script=VERIFIER, cwd=None):
        done = subprocess.run([sys.executable, script, *arguments], cwd=cwd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
        return done.returncode, done.stdout.decode("utf-8")

    def assert_ok(self, entries, expected):
        status, output = self.run_verifier(self.write_zip(entries))
        self.assertEqual((status, output.splitlines()[0]), (0, expected), output)
        return output

    def assert_problem(self, entries, *fragments):
        status, output = self.run_verifier(self.write_zip(entries))
        self.assertEqual(status, 1, output)
        self.assertEqual(len(output.splitlines()), 1, output)
        for fragment in fragments:
            self.assertIn(fragment, output)
        return output

    # Good archives

    def test_good_archive_as_zip(self):
        output = self.assert_ok(self.builder.entries(), "OK 9 fichiers, 6 événements, 3 points de contrôle")
        self.assertEqual(len(output.splitlines()), 1, output)

    def test_the_zip_is_written_as_the_service_streams_it(self):
        with zipfile.ZipFile(self.write_zip(self.builder.entries())) as archive:
            infos = archive.infolist()
        self.assertTrue(all(info.flag_bits & 0x08 and info.compress_type == zipfile.ZIP_STORED for info in infos))
        self.assertTrue(any(info.flag_bits & 0x800 for info in infos))  # « devis électricité.docx »

    def test_good_archive_as_extracted_directory(self):
        status, output = self.run_verifier(self.write_directory(self.builder.entries()))
        self.assertEqual((status, output.strip()), (0, "OK 9 fichiers, 6 événements, 3 points de contrôle"))

    def test_no_argument_verifies_the_folder_holding_verifier_py(self):
        root = self.write_directory(self.builder.entries())
        for cwd in (root, self.tmp):  # from inside the folder, and from elsewhere
            status, output = self.run_verifier(script=os.path.join(root, "verifier.py"), cwd=cwd)
            self.assertEqual((status, output.strip()), (0, "OK 9 fichiers, 6 événements, 3 points de contrôle"))

    def test_no_argument_names_a_tampered_file_in_its_folder(self):
        root = self.write_directory(self.builder.entries())
        with open(os.path.join(root, "case.json"), "ab") as file:
            file.write(b" ")
        status, output = self.run_verifier(script=os.path.join(root, "verifier.py"), cwd=root)
        expected = "case.json: SHA-256 différent du manifeste (MANIFEST.sha256 ligne {})".format(manifest_line(self.builder.entries(), "case.json"))
        self.assertEqual((status, output.strip()), (1, expected))

    def test_files_a_desktop_adds_to_the_extracted_folder_are_ignored(self):
        root = self.write_directory(self.builder.entries())
        with open(os.path.join(root, "documents", ".DS_Store"), "wb") as file:
            file.write(b"Finder")
        status, output = self.run_verifier(root)
        self.assertEqual((status, output.strip()), (0, "OK 9 fichiers, 6 événements, 3 points de contrôle"))

    def test_readable_time_may_use_an_explicit_utc_offset(self):
        events = [dict(event, at=event["at"].replace("Z", "+00:00")) for event in self.builder.events]
        self.assert_ok(self.builder.entries(events=events), "OK 9 fichiers, 6 événements, 3 points de contrôle")

    def test_events_after_the_last_checkpoint_are_reported_not_yet_sealed(self):
        builder = ArchiveBuilder(seals=(2, None, 4, None))
        output = self.assert_ok(builder.entries(), "OK 9 fichiers, 6 événements, 3 points de contrôle")
        self.assertIn("2 événements pas encore scellés par un point de contrôle (seq 5 à 6)", output)

    def test_a_case_no_checkpoint_covers_yet_is_all_unsealed(self):
        builder = ArchiveBuilder(seals=(None,))
        output = self.assert_ok(builder.entries(), "OK 9 fichiers, 6 événements, 1 points de contrôle")
        self.assertIn("6 événements pas encore scellés par un point de contrôle (seq 1 à 6)", output)

    # The manifest

    def test_flipped_byte_in_a_document_names_it_against_the_manifest(self):
        entries = self.builder.entries()
        name = next(name for name in entries if name.endswith("/offre.pdf"))
        entries[name] = flip(entries[name], b"%%EOF")
        self.assert_problem(entries, "{}: SHA-256 différent du manifeste (MANIFEST.sha256 ligne {})".format(
            name, manifest_line(entries, name)))

    def test_byte_flipped_inside_the_zip_file_names_the_entry(self):
        path = self.write_zip(self.builder.entries())
        with open(path, "rb") as file:
            data = file.read()
        with open(path, "wb") as file:
            file.write(flip(data, b"%%EOF"))  # the stored bytes, the zip's CRC-32 left as it was
        status, output = self.run_verifier(path)
        self.assertEqual(status, 1, output)
        self.assertRegex(output, r"^documents/[0-9a-f-]+/offre\.pdf: contenu altéré ou abîmé dans le zip \(Bad CRC-32")

    def test_flipped_byte_in_a_manifest_line_names_that_line(self):
        entries = self.builder.entries()
        manifest = entries["MANIFEST.sha256"]
        number = manifest_line(entries, "events.jsonl")
        start = sum(len(line) + 1 for line in manifest.split(b"\n")[:number - 1])
        for offset in range(70):  # every byte of the hash, the separator and the path's start
            entries["MANIFEST.sha256"] = flip_at(manifest, start + offset)
            self.assert_problem(entries, "MANIFEST.sha256 ligne {}".format(number))

    def test_extra_entry_not_in_the_manifest_is_named(self):
        entries = self.builder.entries()
        entries["notes.txt"] = b"ajout"
        self.assert_problem(entries, "notes.txt: entrée absente de MANIFEST.sha256")

    def test_a_second_entry_with_the_same_name_is_refused(self):
        entries = self.builder.entries()
        path = self.write_zip(entries)
        with warnings.catch_warnings(), zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
            warnings.simplefilter("ignore")  # zipfile warns about the duplicate: that is the point
            archive.writestr("case.json", entries["case.json"])
        status, output = self.run_verifier(path)
        self.assertEqual((status, output.strip()), (1, "case.json: entrée en double dans le zip"))

    def test_unsorted_manifest_names_the_line(self):
        entries = self.builder.entries()
        lines = entries["MANIFEST.sha256"].split(b"\n")
        lines[1], lines[2] = lines[2], lines[1]
        entries["MANIFEST.sha256"] = b"\n".join(lines)
        self.assert_problem(entries, "MANIFEST.sha256 ligne 3: case.json vient après checkpoints.jsonl")

    def test_missing_document_still_listed_is_named_by_its_manifest_line(self):
        entries = self.builder.entries()
        name = next(name for name in entries if name.endswith("/offre.pdf"))
        del entries[name]
        self.assert_problem(entries, "MANIFEST.sha256 ligne {}: {} absent de l'archive".format(
            manifest_line(self.builder.entries(), name), name))

    # Events (the manifest rewritten to match: it cannot protect itself)

    def test_flipped_byte_in_an_event_payload_names_the_line(self):
        entries = self.builder.entries()
        entries["events.jsonl"] = flip(entries["events.jsonl"], b"Fournitures")  # line 1's payload, before canonical
        self.assert_problem(with_manifest(entries), "events.jsonl ligne 1: le champ « payload » diffère du texte haché")

    def test_flipped_byte_in_an_event_line_without_new_manifest_names_events_jsonl(self):
        entries = self.builder.entries()
        entries["events.jsonl"] = flip(entries["events.jsonl"], b"mieux-disant", occurrence=1)  # inside canonical
        self.assert_problem(entries, "events.jsonl: SHA-256 différent du manifeste")
        self.assert_problem(with_manifest(entries), "events.jsonl ligne 6: le hash ne se recalcule pas")

    def test_reordered_events_name_the_seq(self):
        events = list(self.builder.events)
        events[2], events[3] = events[3], events[2]
        self.assert_problem(self.builder.entries(events=events), "events.jsonl ligne 3: seq 4 au lieu de 3")

    def test_gap_in_seq_names_the_line(self):
        events = self.builder.events[:4] + self.builder.events[5:]
        self.assert_problem(self.builder.entries(events=events), "events.jsonl ligne 5: seq 6 au lieu de 5")

    def test_relinked_chain_is_caught_by_prev_hash(self):
        events = [dict(event) for event in self.builder.events]
        events[4]["prev_hash"] = "f" * 64
        events[4]["hash"] = sha256_hex(events[4]["prev_hash"] + events[4]["canonical"])
        self.assert_problem(self.builder.entries(events=events), "events.jsonl ligne 5: prev_hash n'est pas le hash de la ligne 4")

    # Files against their events

    def test_flipped_byte_in_a_document_with_new_manifest_names_its_event(self):
        entries = self.builder.entries()
        name = next(name for name in entries if name.endswith("/devis électricité.docx"))
        entries[name] = flip(entries[name], b"PK")
        self.assert_problem(with_manifest(entries), name + ": SHA-256 différent de celui de l'événement (events.jsonl ligne 3)")

    def test_flipped_byte_in_a_report_names_it(self):
        entries = self.builder.entries()
        entries["reports/cba-v1/CBA_DAO.xlsx"] = flip(entries["reports/cba-v1/CBA_DAO.xlsx"], b"PK")
        self.assert_problem(entries, "reports/cba-v1/CBA_DAO.xlsx: SHA-256 différent du manifeste")
        self.assert_problem(with_manifest(entries), "reports/cba-v1/CBA_DAO.xlsx: SHA-256 différent de celui de l'événement (events.jsonl ligne 5)")

    def test_truncated_report_names_its_size(self):
        entries = self.builder.entries()
        entries["reports/cba-v1/CBA_DAO.xlsx"] = entries["reports/cba-v1/CBA_DAO.xlsx"][:-1]
        self.assert_problem(with_manifest(entries), "reports/cba-v1/CBA_DAO.xlsx: 5003 octets, l'événement (events.jsonl ligne 5) en a haché 5004")

    def test_missing_document_with_new_manifest_names_its_event(self):
        entries = self.builder.entries()
        name = next(name for name in entries if name.endswith("/offre.pdf"))
        del entries[name]
        self.assert_problem(with_manifest(entries), "events.jsonl ligne 2: {} absent de l'archive".format(name))

    def test_document_no_event_names_is_refused(self):
        entries = self.builder.entries()
        entries["documents/{}/ajout.pdf".format(uuid.uuid4())] = b"%PDF-1.7"
        self.assert_problem(with_manifest(entries), "ajout.pdf: aucun événement ne nomme ce fichier")

    # Checkpoints

    def test_flipped_byte_in_a_checkpoint_names_the_line(self):
        entries = self.builder.entries()
        entries["checkpoints.jsonl"] = flip(entries["checkpoints.jsonl"], b"11:00:03")  # sealed_at of checkpoint 3, line 2
        self.assert_problem(with_manifest(entries), "checkpoints.jsonl ligne 2: le point de contrôle 3 ne se recalcule pas")

    def test_consecutive_checkpoints_must_link(self):
        checkpoints = [dict(checkpoint) for checkpoint in self.builder.checkpoints]
        checkpoints[2]["prev_hash"] = "e" * 64
        checkpoints[2]["hash"] = sha256_hex(checkpoint_text(checkpoints[2]))
        self.assert_problem(self.builder.entries(checkpoints=checkpoints),
                            "checkpoints.jsonl ligne 3: le point de contrôle 4 ne suit pas le 3")

    def test_truncated_tail_names_the_checkpoint_that_sealed_it(self):
        del self.builder.files["reports/cba-v1/CBA_DAO.xlsx"]  # issued by event 5, hidden with it
        events = self.builder.events[:4]
        self.assert_problem(self.builder.entries(events=events),
                            "checkpoints.jsonl ligne 3: la chaîne du dossier s'arrête au seq 4 mais le point de contrôle 4 a scellé le seq 6")

    def test_rewritten_and_rehashed_tail_is_caught_by_the_checkpoint(self):
        builder = ArchiveBuilder()
        sealed = builder.checkpoints
        builder.events = builder.events[:5]
        builder.event("decision_recorded", {"chosen_supplier": "beta", "decision_reason": "réécrit", "next_action": None})
        self.assert_problem(builder.entries(checkpoints=sealed),
                            "checkpoints.jsonl ligne 3: le point de contrôle 4 a scellé un autre seq 6 que celui de events.jsonl")


if __name__ == "__main__":
    unittest.main()
