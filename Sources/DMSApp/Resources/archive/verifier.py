#!/usr/bin/env python3
"""Vérifie une archive de dossier DMS (format dms-archive/1) avec Python 3.8+ seul.

    python3 verifier.py                 vérifie le dossier où se trouve ce fichier (l'archive décompressée)
    python3 verifier.py ARCHIVE.zip     vérifie le zip sans le décompresser
    python3 verifier.py DOSSIER         vérifie une archive décompressée ailleurs

Les contrôles, dans cet ordre :
1. Le manifeste (MANIFEST.sha256) : chaque ligne est « <empreinte SHA-256>  <chemin> », triée par
   chemin ; chaque chemin existe et son contenu a cette empreinte ; toute autre entrée y figure.
2. Les événements (events.jsonl) : chaque ligne se recalcule (hash = SHA-256 de prev_hash suivi de
   canonical, le texte exact que le hash couvre) ; ses champs lisibles (dossier, seq, type, auteur,
   date, contenu) sont ceux de ce texte ; les seq se suivent 1, 2, 3… sans trou ; chaque prev_hash
   est le hash de la ligne précédente (64 zéros pour la première).
3. Les fichiers : chaque document déposé (documents/) et chaque version de CBA ou de PV émise
   (reports/) a la taille et l'empreinte que son événement a hachées ; aucun fichier de ces deux
   dossiers n'est sans événement.
4. Les points de contrôle (checkpoints.jsonl) : chacun se recalcule ; deux points consécutifs sont
   chaînés ; chaque tête de ce dossier qu'un point a scellée est un événement présent, avec le même
   seq et le même hash (sinon la fin de la chaîne a été coupée ou réécrite).

Affiche « OK … » et sort avec le code 0, ou le premier problème (il nomme l'entrée ou la ligne) et
sort avec le code 1. Les événements postérieurs au dernier point de contrôle qui couvre le dossier
sont signalés « pas encore scellés » : ce n'est pas une erreur, le prochain point les scellera.

Ce que OK ne prouve pas : que les points de contrôle eux-mêmes existaient à leur date. Pour cela,
comparer le hash d'un point de contrôle avec celui imprimé sur un CBA ou un PV, ou avec une autre
copie de la chaîne des points de contrôle (GET /api/memory/checkpoints).
"""
import hashlib
import json
import os
import re
import sys
import zipfile

ZEROS = "0" * 64
CHUNK = 1 << 20  # lu par blocs de 1 Mio : un dossier peut peser 500 Mo
MANIFEST = "MANIFEST.sha256"
MANIFEST_LINE = re.compile(r"([0-9a-f]{64})  ([^\r\n]+)")
REQUIRED = ("case.json", "events.jsonl", "checkpoints.jsonl")
# Ce qu'un système ajoute à un dossier décompressé (Finder, Explorateur) n'est pas de l'archive.
SYSTEM_LITTER = {".DS_Store", "Thumbs.db", "desktop.ini", "__MACOSX", "__pycache__"}


class Problem(Exception):
    """Le premier problème trouvé ; son message nomme l'entrée ou la ligne."""


class ZipArchive:
    """Les entrées d'un zip, lues sans le décompresser."""

    def __init__(self, path):
        try:
            self.zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as error:
            raise Problem(f"{path}: pas une archive zip lisible ({error})")
        self.names = [name for name in self.zip.namelist() if not name.endswith("/")]
        for name in sorted({name for name in self.names if self.names.count(name) > 1}):
            raise Problem(f"{name}: entrée en double dans le zip")

    def open(self, name):
        return self.zip.open(name)


class DirectoryArchive:
    """Les fichiers d'une archive décompressée, nommés comme dans le zip (séparateur « / »)."""

    def __init__(self, root):
        self.root, self.names = root, []
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = [name for name in subfolders if name not in SYSTEM_LITTER]
            for name in files:
                if name not in SYSTEM_LITTER:
                    self.names.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/"))

    def open(self, name):
        return open(os.path.join(self.root, *name.split("/")), "rb")


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def chunks(archive, name):
    """Les octets d'une entrée, par blocs ; une entrée illisible est un problème qui la nomme."""
    try:
        with archive.open(name) as entry:
            yield from iter(lambda: entry.read(CHUNK), b"")
    except zipfile.BadZipFile as error:  # dont un CRC-32 faux : des octets changés dans le zip
        raise Problem(f"{name}: contenu altéré ou abîmé dans le zip ({error})")
    except (OSError, EOFError) as error:
        raise Problem(f"{name}: illisible ({error})")


def digest(archive, name):
    """(SHA-256, taille) d'une entrée."""
    hasher, size = hashlib.sha256(), 0
    for chunk in chunks(archive, name):
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


def lines_of(archive, name):
    """Les lignes d'une entrée, séparées par « \\n » seulement (comme JSON Lines)."""
    lines = b"".join(chunks(archive, name)).split(b"\n")
    return lines[:-1] if lines[-1] == b"" else lines


def parse(raw, where):
    """Un objet JSON, ou le problème qui nomme sa ligne."""
    try:
        value = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except ValueError:
        raise Problem(f"{where}: JSON illisible")
    if not isinstance(value, dict):
        raise Problem(f"{where}: un objet JSON est attendu")
    return value


def plain(value):
    """La valeur JSON où 5.0 s'écrit 5 : une ligne et son texte haché se comparent en valeurs."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return [plain(item) for item in value] if isinstance(value, list) else value


def same(left, right):
    return json.dumps(plain(left), sort_keys=True) == json.dumps(plain(right), sort_keys=True)


def check_manifest(archive):
    """1. Renvoie {chemin: (SHA-256, taille)} de chaque entrée, toutes lues une fois."""
    if MANIFEST not in archive.names:
        raise Problem(f"{MANIFEST} absent : est-ce bien une archive DMS, décompressée ou en zip ?")
    present, files, previous = set(archive.names), {}, None
    for number, raw in enumerate(lines_of(archive, MANIFEST), 1):
        where = f"{MANIFEST} ligne {number}"
        try:
            match = MANIFEST_LINE.fullmatch(raw.decode("utf-8"))
        except UnicodeDecodeError:
            match = None
        if not match or match.group(2).startswith("/") or {"", ".", ".."} & set(match.group(2).split("/")):
            raise Problem(f"{where}: ligne mal formée (attendu « <64 chiffres hexadécimaux>  <chemin> »)")
        expected, name = match.groups()
        if previous is not None and name.encode("utf-8") <= previous.encode("utf-8"):
            raise Problem(f"{where}: {name} vient après {previous} (le manifeste est trié par chemin, sans doublon)")
        if name == MANIFEST or name not in present:
            raise Problem(f"{where}: {name} absent de l'archive")
        files[name], previous = digest(archive, name), name
        if files[name][0] != expected:
            raise Problem(f"{name}: SHA-256 différent du manifeste ({where})")
    for name in sorted(present - set(files) - {MANIFEST}):
        raise Problem(f"{name}: entrée absente de {MANIFEST}")
    for name in REQUIRED:
        if name not in files:
            raise Problem(f"{name}: absent de l'archive")
    return files


def case_id_of(archive):
    case = parse(b"".join(chunks(archive, "case.json")), "case.json")
    if case.get("format") != "dms-archive/1":
        raise Problem(f"case.json: format {case.get('format')!r} inconnu de ce vérificateur (attendu dms-archive/1)")
    if not isinstance(case.get("case"), dict) or not isinstance(case["case"].get("id"), str):
        raise Problem("case.json: l'identifiant du dossier (case.id) manque")
    return case["case"]["id"]


def check_events(archive, case_id):
    """2. Renvoie les événements, dans l'ordre des seq."""
    events = []
    for number, raw in enumerate(lines_of(archive, "events.jsonl"), 1):
        where = f"events.jsonl ligne {number}"
        event = parse(raw, where)
        try:
            if sha256_hex(event["prev_hash"] + event["canonical"]) != event["hash"]:
                raise Problem(f"{where}: le hash ne se recalcule pas (SHA-256 de prev_hash + canonical)")
            hashed = parse(event["canonical"], f"{where} (canonical)")
            # La date lisible peut s'écrire …+00:00 ; le texte haché l'écrit …Z.
            readable = dict(event, at=re.sub(r"\+00:00$", "Z", event["at"]))
            for key in ("case_id", "seq", "type", "actor", "at", "payload", "actor_id"):
                if not same(readable.get(key) if key == "actor_id" else readable[key], hashed.get(key)):
                    raise Problem(f"{where}: le champ « {key} » diffère du texte haché (canonical)")
            if event["case_id"] != case_id:
                raise Problem(f"{where}: événement d'un autre dossier ({event['case_id']})")
            if type(event["seq"]) is not int or event["seq"] != number:
                raise Problem(f"{where}: seq {event['seq']} au lieu de {number} (1, 2, 3… sans trou)")
            if event["prev_hash"] != (events[-1]["hash"] if events else ZEROS):
                link = f"le hash de la ligne {number - 1}" if events else "64 zéros (premier événement)"
                raise Problem(f"{where}: prev_hash n'est pas {link}")
        except (KeyError, TypeError, AttributeError) as error:
            raise Problem(f"{where}: champ manquant ou mal formé ({error!r})")
        events.append(event)
    return events


def check_files(files, events):
    """3. Chaque document et chaque rapport est celui que son événement a haché."""
    named = set()
    for number, event in enumerate(events, 1):
        where = f"events.jsonl ligne {number}"
        try:
            payload = event["payload"]
            if event["type"] == "document_uploaded":
                path = f"documents/{payload['document_id']}/{payload['filename']}"
            elif event["type"] == "report_issued":
                path = f"reports/{payload['kind']}-v{plain(payload['version'])}/{payload['filename']}"
            else:
                continue
            sha256, size = payload["sha256"], payload["size"]
        except (KeyError, TypeError) as error:
            raise Problem(f"{where}: champ manquant dans payload ({error!r})")
        if path not in files:
            raise Problem(f"{where}: {path} absent de l'archive")
        if files[path][1] != size:
            raise Problem(f"{path}: {files[path][1]} octets, l'événement ({where}) en a haché {plain(size)}")
        if files[path][0] != sha256:
            raise Problem(f"{path}: SHA-256 différent de celui de l'événement ({where})")
        named.add(path)
    for path in sorted(files):
        if path.startswith(("documents/", "reports/")) and path not in named:
            raise Problem(f"{path}: aucun événement ne nomme ce fichier")


def checkpoint_text(checkpoint):
    """Le texte exact qu'un point de contrôle hache (dms-checkpoint/1)."""
    heads = sorted(checkpoint["heads"], key=lambda head: head["case_id"])
    return (f"dms-checkpoint/1\nseq {checkpoint['seq']}\nprev {checkpoint['prev_hash']}\n"
            f"sealed_at {checkpoint['sealed_at']}\n"
            + "".join(f"{head['case_id']} {head['seq']} {head['hash']}\n" for head in heads))


def check_checkpoints(archive, case_id, events):
    """4. Renvoie (nombre de points de contrôle, dernier seq du dossier scellé)."""
    previous, sealed, count = None, 0, 0
    for number, raw in enumerate(lines_of(archive, "checkpoints.jsonl"), 1):
        where = f"checkpoints.jsonl ligne {number}"
        checkpoint = parse(raw, where)
        try:
            seq = checkpoint["seq"]
            if sha256_hex(checkpoint_text(checkpoint)) != checkpoint["hash"]:
                raise Problem(f"{where}: le point de contrôle {seq} ne se recalcule pas (hash différent)")
            if previous is not None and seq <= previous["seq"]:
                raise Problem(f"{where}: point de contrôle {seq} après le {previous['seq']} (ordre croissant)")
            if seq == 1 and checkpoint["prev_hash"] != ZEROS:
                raise Problem(f"{where}: le premier point de contrôle doit partir de 64 zéros")
            if previous is not None and seq == previous["seq"] + 1 and checkpoint["prev_hash"] != previous["hash"]:
                raise Problem(f"{where}: le point de contrôle {seq} ne suit pas le {previous['seq']} "
                              f"(prev_hash différent de son hash)")
            for head in checkpoint["heads"]:
                if head["case_id"] != case_id:
                    continue  # la tête d'un autre dossier ne sert qu'à recalculer le hash
                if not 1 <= head["seq"] <= len(events):
                    raise Problem(f"{where}: la chaîne du dossier s'arrête au seq {len(events)} mais le point "
                                  f"de contrôle {seq} a scellé le seq {head['seq']} (fin de chaîne coupée)")
                if events[head["seq"] - 1]["hash"] != head["hash"]:
                    raise Problem(f"{where}: le point de contrôle {seq} a scellé un autre seq {head['seq']} "
                                  f"que celui de events.jsonl (chaîne réécrite)")
                sealed = max(sealed, head["seq"])
        except (KeyError, TypeError, AttributeError) as error:
            raise Problem(f"{where}: champ manquant ou mal formé ({error!r})")
        previous, count = checkpoint, count + 1
    return count, sealed


def verify(target):
    """Les lignes à afficher quand tout est bon ; lève Problem au premier problème."""
    archive = DirectoryArchive(target) if os.path.isdir(target) else ZipArchive(target)
    files = check_manifest(archive)
    case_id = case_id_of(archive)
    events = check_events(archive, case_id)
    check_files(files, events)
    count, sealed = check_checkpoints(archive, case_id, events)
    report = [f"OK {len(archive.names)} fichiers, {len(events)} événements, {count} points de contrôle"]
    waiting = len(events) - sealed
    if waiting:
        s = "s" if waiting > 1 else ""
        report.append(f"{waiting} événement{s} pas encore scellé{s} par un point de contrôle "
                      f"(seq {sealed + 1} à {len(events)}) : le prochain les scellera")
    return report


def main(arguments):
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # une console sans accents affiche « ? », sans planter
    if len(arguments) > 1 or (arguments and arguments[0].startswith("-")):
        print("usage : python3 verifier.py [ARCHIVE.zip | DOSSIER]")
        return 2
    target = arguments[0] if arguments else os.path.dirname(os.path.abspath(__file__))
    if not os.path.exists(target):
        print(f"{target}: introuvable")
        return 2
    try:
        print("\n".join(verify(target)))
        return 0
    except Problem as problem:
        print(problem)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
