#!/usr/bin/env python3
"""End-to-end journey of the DMS web interface in headless Chromium (issue 16).

Driven by scripts/e2e (journey) and scripts/screenshots (the same journey, saving every page at
1280 px and 360 px wide). Those scripts start PostgreSQL and `dms serve` and create the accounts
this module lists (`accounts` sub-command); this module only drives the browser.

Output: one `PASS <step>` / `FAIL <step>: <reason>` / `SKIP <step>: <reason>` line per step,
then `N passed, M failed` (skipped steps, which need a failed one, are counted apart). Exit code 1
when a step failed. On failure the page's HTML and a screenshot go to the artefacts directory.

Waits are bounded (WebDriverWait); there is no fixed sleep.
"""
import argparse
import base64
import json
import os
import re
import sys
import time
import traceback
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

# The accounts the journey uses. The main one does the work and presides the committee; the three
# others are committee members who sign in to declare they have no conflict of interest.
ACCOUNTS = [
    # (key, email, name, roles, committee function)
    ("main", "aminata.traore@example.org", "Aminata Traoré", ["agent", "comite", "admin"], "president"),
    ("rapporteur", "ibrahim.kone@example.org", "Ibrahim Koné", ["comite"], "rapporteur"),
    ("membre", "fatou.diallo@example.org", "Fatou Diallo", ["comite"], "membre"),
    ("membre2", "seydou.ouedraogo@example.org", "Seydou Ouédraogo", ["comite"], "membre"),
]

CASE_TITLE = "Fourniture de ciment et de fer à béton — Mopti"
CASE_LOT = "Lot 2"
SEARCH_WORD = "ciment"
DAO_FIXTURE = "dossier_AO_2026-017.docx"
OFFER_FIXTURES = ["offre_finale_v2.docx", "scan_0003.docx", "scan_0004.pdf",
                  "document_recu_14h32.pdf", "IMG_20261102_0931.pdf"]
# A value of the right type for each correctable field.
CORRECTION_VALUES = {"delivery_days": "45", "validity_days": "90", "total_amount": "13750000",
                     "supplier": "Entreprise corrigée SARL"}
FIELD_WORDS = [("livraison", "delivery_days"), ("validit", "validity_days"),
               ("montant", "total_amount"), ("prix", "total_amount"),
               ("fournisseur", "supplier"), ("nom", "supplier")]
SHOT_MAX_HEIGHT = 2000
WIDTHS = (1280, 360)


class StepFailed(Exception):
    """A step's expectation was not met."""


def fold(text):
    """Lower case without accents, for comparisons of French labels."""
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def xpath_literal(text):
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


class Journey:
    def __init__(self, args):
        self.base = args.base_url.rstrip("/")
        self.password = args.password
        self.fixtures = args.fixtures
        self.shots = args.screenshots
        self.artifacts = args.artifacts
        self.timeout = args.timeout
        self.analysis_timeout = args.analysis_timeout
        self.accounts = {key: {"email": email, "name": name, "function": function}
                         for key, email, name, _roles, function in ACCOUNTS}
        self.passed = self.failed = self.skipped = 0
        self.done = set()
        self.warnings = []
        self.state = {}
        self.current_user = None
        self.driver = self.start_browser(args)

    # ---- browser -------------------------------------------------------------------------

    @staticmethod
    def start_browser(args):
        options = webdriver.ChromeOptions()
        options.binary_location = args.chromium
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=fr-FR", "--hide-scrollbars",
                     "--disable-extensions", "--no-first-run"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
        # The browser's own words (file pickers) in French when chromium-l10n is installed.
        env = dict(os.environ, LANGUAGE="fr", LANG="fr_FR.UTF-8")
        driver = webdriver.Chrome(service=Service(args.chromedriver, env=env), options=options)
        driver.set_page_load_timeout(args.timeout * 3)
        return driver

    def wait(self, timeout=None):
        return WebDriverWait(self.driver, timeout or self.timeout, poll_frequency=0.2)

    def url(self, path):
        return self.base + path

    def path(self):
        current = self.driver.current_url
        return current[len(self.base):] if current.startswith(self.base) else current

    def find(self, css, scope=None):
        scope = scope or self.driver
        found = scope.find_elements(By.CSS_SELECTOR, css)
        if not found:
            raise StepFailed(f"no element matches `{css}` on {self.path()}")
        return found[0]

    def button(self, text, scope=None):
        """The submit button (or input) whose text is `text`, in `scope` or the page."""
        scope = scope or self.driver
        literal = xpath_literal(text)
        xpath = (f".//button[normalize-space(.)={literal}] | .//input[@type='submit' and @value={literal}]")
        found = scope.find_elements(By.XPATH, xpath)
        if not found:
            raise StepFailed(f"no button « {text} » on {self.path()}")
        return found[0]

    def reveal(self, element):
        """Opens the <details> around an element (clicking their summaries, as a person would)."""
        closed = self.driver.execute_script(
            "const out = []; for (let d = arguments[0].closest('details'); d; d = d.parentElement && d.parentElement.closest('details'))"
            " if (!d.open) out.push(d); return out.reverse();", element)
        for details in closed:
            summary = details.find_elements(By.CSS_SELECTOR, ":scope > summary")
            if summary:
                self.scroll(summary[0])
                summary[0].click()
            else:
                self.driver.execute_script("arguments[0].open = true", details)

    def scroll(self, element):
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)

    def click_and_load(self, element, timeout=None):
        """Clicks a submit button or link and waits until a new page has loaded."""
        self.reveal(element)
        self.scroll(element)
        self.mark_page()
        element.click()
        try:
            self.wait(timeout).until(self.new_page_loaded)
        except TimeoutException:
            raise StepFailed(f"no new page within {timeout or self.timeout} s after the click (still on {self.path()})")

    def mark_page(self):
        """Marks the current document, so that a new page can be told from it (staleness checks of
        chromedriver sometimes fail with « Node … does not belong to the document »)."""
        self.driver.execute_script("window.__e2e_old_page = true")

    @staticmethod
    def new_page_loaded(driver):
        try:
            return driver.execute_script("return !window.__e2e_old_page && document.readyState === 'complete'")
        except WebDriverException:  # between two documents
            return False

    def load(self, path):
        self.driver.get(self.url(path))
        self.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")

    def text(self, css="body"):
        return self.find(css).text

    def page_errors(self):
        """Visible error messages on the page (role=alert, .field-error, .error)."""
        out = []
        for element in self.driver.find_elements(By.CSS_SELECTOR, "[role=alert], .field-error, .error"):
            if element.is_displayed() and element.text.strip():
                out.append(element.text.strip())
        return out

    def expect_no_error(self, what):
        errors = self.page_errors()
        if errors:
            raise StepFailed(f"{what}: the page says « {' | '.join(errors)[:300]} »")

    def set_field(self, element, value):
        self.reveal(element)
        self.scroll(element)
        element.clear()
        element.send_keys(value)

    def select_by_text(self, select_element, wanted):
        """Selects the option whose text contains `wanted` (accents and case ignored)."""
        select = Select(select_element)
        for option in select.options:
            if fold(wanted) in fold(option.text) or fold(option.text) in fold(wanted):
                select.select_by_visible_text(option.text)
                return option.get_attribute("value")
        raise StepFailed(f"no option like « {wanted} » in select[name={select_element.get_attribute('name')}]: "
                         f"{[o.text for o in select.options]}")

    # ---- steps ---------------------------------------------------------------------------

    def step(self, name, function, needs=()):
        missing = [n for n in needs if n not in self.done]
        if missing:
            self.skipped += 1
            print(f"SKIP {name}: needs « {', '.join(missing)} »", flush=True)
            return
        started = time.monotonic()
        try:
            function()
        except (StepFailed, WebDriverException, AssertionError, urllib.error.URLError) as error:
            self.failed += 1
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if isinstance(error, WebDriverException) and not isinstance(error, TimeoutException):
                reason = f"{type(error).__name__}: {getattr(error, 'msg', '') or reason}"
            elif isinstance(error, TimeoutException):
                reason = f"timed out: {getattr(error, 'msg', '') or 'condition not met'}"
            print(f"FAIL {name}: {reason} [{self.save_artifacts(name)}]", flush=True)
            if os.environ.get("E2E_TRACE"):
                traceback.print_exc()
            return
        self.passed += 1
        self.done.add(name)
        print(f"PASS {name} ({time.monotonic() - started:.1f} s)", flush=True)

    def save_artifacts(self, name):
        if not self.artifacts:
            return "no artefacts"
        os.makedirs(self.artifacts, exist_ok=True)
        stem = os.path.join(self.artifacts, re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-"))
        try:
            with open(stem + ".html", "w", encoding="utf-8") as out:
                out.write(f"<!-- {self.driver.current_url} -->\n" + self.driver.page_source)
            self.driver.save_screenshot(stem + ".png")
        except WebDriverException:
            return "artefacts not saved"
        return f"page: {stem}.html"

    def sign_in(self, key):
        account = self.accounts[key]
        if self.current_user == key:
            return
        if self.current_user is not None and self.signed_in_here():
            self.sign_out()
        self.current_user = None
        self.load("/connexion")
        form = self.find("form[action$='/connexion']")
        self.set_field(self.find("input[name=email]", form), account["email"])
        self.set_field(self.find("input[name=password]", form), self.password)
        self.click_and_load(self.button("Se connecter", form))
        if self.path().startswith("/connexion"):
            raise StepFailed(f"still on /connexion after signing in as {account['email']}: {self.page_errors()}")
        self.button("Se déconnecter")
        self.current_user = key

    def signed_in_here(self):
        """Whether the page shows the header's « Se déconnecter » (a session is open)."""
        try:
            self.button("Se déconnecter")
            return True
        except StepFailed:
            return False

    def sign_out(self):
        self.click_and_load(self.button("Se déconnecter"))
        self.current_user = None
        if not self.path().startswith("/connexion"):
            raise StepFailed(f"after « Se déconnecter » the browser is on {self.path()}, not /connexion")

    def case_page(self, section=None):
        self.load(f"/dossiers/{self.state['case_id']}")
        if section:
            self.find(f"#{section}")

    # 1. Access control and sign-in.
    def signed_out_redirects(self):
        for path in ("/", "/dossiers/nouveau", "/recherche?q=ciment"):
            self.load(path)
            if not self.path().startswith("/connexion"):
                raise StepFailed(f"signed out, {path} shows {self.path()} instead of redirecting to /connexion")
        self.shot("01-connexion")

    def wrong_password(self):
        email = self.accounts["main"]["email"]
        self.load("/connexion")
        form = self.find("form[action$='/connexion']")
        self.set_field(self.find("input[name=email]", form), email)
        self.set_field(self.find("input[name=password]", form), self.password + "-faux")
        self.click_and_load(self.button("Se connecter", form))
        if "Adresse e-mail ou mot de passe incorrect" not in self.text():
            raise StepFailed(f"no « Adresse e-mail ou mot de passe incorrect » on {self.path()}")
        kept = self.find("input[name=email]").get_attribute("value")
        if kept != email:
            raise StepFailed(f"the email field holds « {kept} », not « {email} »")
        self.shot("02-connexion-erreur")

    def main_signs_in(self):
        self.sign_in("main")

    # 2. A new case.
    def create_case(self):
        self.load("/")
        self.click_and_load(self.find_link("Nouveau dossier", "/dossiers/nouveau"))
        if not self.path().startswith("/dossiers/nouveau"):
            raise StepFailed(f"« Nouveau dossier » led to {self.path()}")
        self.shot("04-nouveau-dossier")
        form = self.find("form[action$='/dossiers']")
        self.find("input[name=_csrf]", form)
        Select(self.find("select[name=case_type]", form)).select_by_value("DAO")
        self.set_field(self.find("input[name=title]", form), CASE_TITLE)
        self.set_field(self.find("input[name=lot]", form), CASE_LOT)
        self.click_and_load(self.button("Créer le dossier", form))
        match = re.match(r"^/dossiers/([0-9a-fA-F-]{36})", self.path())
        if not match:
            raise StepFailed(f"after « Créer le dossier » the browser is on {self.path()}: {self.page_errors()}")
        self.state["case_id"] = match.group(1).lower()
        if CASE_TITLE not in self.text("h1"):
            raise StepFailed(f"the case page's title is « {self.text('h1')} »")
        for section in ("faits", "documents", "analyse", "criteres", "rapports", "comite", "decision", "memoire"):
            self.find(f"#{section}")
        self.shot("05-dossier")

    def find_link(self, text, href_end=None):
        literal = xpath_literal(text)
        links = self.driver.find_elements(By.XPATH, f"//a[normalize-space(.)={literal}]")
        if href_end:
            links = [a for a in links if (a.get_attribute("href") or "").split("?")[0].endswith(href_end)] or links
        if not links:
            raise StepFailed(f"no link « {text} » on {self.path()}")
        return links[0]

    def case_in_list(self):
        self.load("/")
        self.find(f"table a[href$='/dossiers/{self.state['case_id']}']")
        self.find("select[name=statut]")
        self.find("select[name=type]")
        self.find("input[name=q]")
        # The filters keep the case in view.
        Select(self.find("select[name=type]")).select_by_value("DAO")
        self.set_field(self.find("main input[name=q], form.filters input[name=q]"), SEARCH_WORD)
        self.click_and_load(self.find("main form[method=get] button, form.filters button"))
        self.find(f"table a[href$='/dossiers/{self.state['case_id']}']")
        self.shot("03-dossiers")

    # 3. Documents.
    def upload(self, form_id, files, button_text):
        self.case_page("documents")
        form = self.find(f"form#{form_id}")
        field = self.find("input[type=file][name=file]", form)
        if len(files) > 1 and field.get_attribute("multiple") is None:
            raise StepFailed(f"form#{form_id} input[name=file] does not accept several files (no `multiple`)")
        paths = [os.path.join(self.fixtures, name) for name in files]
        for path in paths:
            if not os.path.isfile(path):
                raise StepFailed(f"missing fixture {path}")
        if not field.is_displayed():
            # A drop zone may hide the input; the file picker is still what receives the files.
            self.driver.execute_script("arguments[0].style.display = 'block'; arguments[0].style.opacity = 1", field)
        field.send_keys("\n".join(paths))
        self.click_and_load(self.button(button_text, form), timeout=self.timeout * 3)
        self.expect_no_error(f"after « {button_text} »")
        listing = self.text("#documents")
        missing = [name for name in files if name not in listing]
        if missing:
            raise StepFailed(f"#documents does not list {missing} after « {button_text} »")

    def upload_dao(self):
        self.upload("depot-dao", [DAO_FIXTURE], "Déposer le DAO")

    def upload_offers(self):
        self.upload("depot-offres", OFFER_FIXTURES, "Déposer les offres")
        self.shot("06-dossier-documents", section="documents")

    # 4. Analysis.
    def analyse(self):
        self.case_page("analyse")
        self.click_and_load(self.button("Analyser", self.find("#analyse")), timeout=self.analysis_timeout)
        self.expect_no_error("after « Analyser »")
        cells_css = "#analyse td.conf-high, #analyse td.conf-low, #analyse td.conf-manual, #analyse td.corrected"
        last_reload = [time.monotonic()]

        def table_ready(driver):
            if driver.find_elements(By.CSS_SELECTOR, cells_css):
                return True
            if time.monotonic() - last_reload[0] > 3:  # a run still going: look again
                last_reload[0] = time.monotonic()
                driver.refresh()
            return False
        try:
            self.wait(self.analysis_timeout).until(table_ready)
        except TimeoutException:
            raise StepFailed(f"no analysis cells ({cells_css}) within {self.analysis_timeout} s")
        if not self.path().startswith(f"/dossiers/{self.state['case_id']}"):
            raise StepFailed(f"« Analyser » led to {self.path()}")

    def analysis_table(self):
        """The suppliers table: (supplier headers, rows of (label, cells))."""
        table = self.find("#analyse table")
        headers = [th.text.strip() for th in table.find_elements(By.CSS_SELECTOR, "thead th")][1:]
        rows = []
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr"):
            label = tr.find_elements(By.CSS_SELECTOR, "th")
            rows.append((label[0].text.strip() if label else "", tr.find_elements(By.CSS_SELECTOR, "td")))
        return headers, rows

    def analysis_shown(self):
        self.case_page("analyse")
        headers, rows = self.analysis_table()
        if len(headers) < 2:
            raise StepFailed(f"expected several supplier columns, got {headers}")
        named = [h for h in headers if "REVUE MANUELLE" not in h.upper()]
        if [fold(h) for h in named] != sorted(fold(h) for h in named):
            raise StepFailed(f"supplier columns are not in alphabetical order: {headers}")
        words = {"conf-high": "sûr", "conf-low": "à vérifier", "conf-manual": "REVUE MANUELLE", "corrected": "corrigé"}
        manual = 0
        for label, cells in rows:
            for cell in cells:
                classes = (cell.get_attribute("class") or "").split()
                kind = next((c for c in classes if c in words), None)
                if kind is None and "part" in fold(label):
                    continue  # parts found are a fact about the document, not a value read with a confidence
                if kind is None:
                    raise StepFailed(f"a cell of row « {label} » has no confidence class: class=« {' '.join(classes)} »")
                if words[kind] not in cell.text:
                    if not any(word in fold(label) for word, _ in FIELD_WORDS):
                        self.warnings.append(f"row « {label} »: a {kind} cell does not say « {words[kind]} » (« {cell.text} »)")
                        continue
                    raise StepFailed(f"a {kind} cell of row « {label} » does not say « {words[kind]} »: « {cell.text} »")
                manual += kind == "conf-manual"
        if not manual:
            raise StepFailed("no REVUE MANUELLE cell (the scanned offer IMG_20261102_0931.pdf has no text layer)")
        sources = self.driver.find_elements(By.CSS_SELECTOR, "#analyse td details")
        if not sources:
            raise StepFailed("no <details> « Source » in the analysis cells")
        summary = sources[0].find_element(By.CSS_SELECTOR, "summary")
        if "Source" not in summary.text:
            raise StepFailed(f"the cell's <details> summary says « {summary.text} », not « Source »")
        summary.click()
        shown = sources[0].text
        if not re.search(r"\.(docx|pdf|xlsx)", shown) or not re.search(r"page|p\.", shown, re.I):
            self.warnings.append(f"analysis source does not name a document and a page: « {shown[:160]} »")
        self.shot("07-dossier-analyse", section="analyse")

    def correct(self):
        self.case_page("analyse")
        headers, rows = self.analysis_table()
        target = None
        for label, cells in rows:
            for index, cell in enumerate(cells):
                if "conf-manual" in (cell.get_attribute("class") or "").split():
                    field = next((value for word, value in FIELD_WORDS if word in fold(label)), None)
                    candidate = (label, headers[index] if index < len(headers) else "", field)
                    # Prefer a supplier with a name (the Dioura delivery time), then any.
                    if target is None or ("REVUE" in target[1].upper() and "REVUE" not in candidate[1].upper()):
                        target = candidate
        if target is None:
            raise StepFailed("no REVUE MANUELLE cell to correct")
        label, supplier, field = target
        if field is None:
            raise StepFailed(f"cannot tell which field the row « {label} » is")
        forms = self.driver.find_elements(By.CSS_SELECTOR, "form#correction")
        if not forms:
            raise StepFailed("no form#correction")
        form = forms[0]
        supplier_select = self.find("select[name=supplier_key]", form)
        self.reveal(supplier_select)
        chosen = None
        for option in Select(supplier_select).options:
            if fold(option.text) == fold(supplier) or (supplier and fold(supplier) in fold(option.text)):
                chosen = option
                break
        if chosen is None:
            raise StepFailed(f"no supplier option like « {supplier} »: {[o.text for o in Select(supplier_select).options]}")
        Select(supplier_select).select_by_value(chosen.get_attribute("value"))
        Select(self.find("select[name=field]", form)).select_by_value(field)
        self.set_field(self.find("input[name=value]", form), CORRECTION_VALUES[field])
        self.set_field(self.find("input[name=reason]", form), "Lu sur l'original papier, page 2 (e2e)")
        self.click_and_load(self.button("Corriger", form))
        self.expect_no_error("after « Corriger »")
        self.case_page("analyse")
        corrected = [c for c in self.driver.find_elements(By.CSS_SELECTOR, "#analyse td.corrected") if "corrigé par" in c.text]
        if not corrected:
            raise StepFailed(f"no cell says « corrigé par » after correcting « {label} » of « {supplier} »")
        print(f"  corrected « {label} » of « {supplier} » ({field} = {CORRECTION_VALUES[field]}): « {' '.join(corrected[0].text.split())[:80]} »")
        if CORRECTION_VALUES[field].replace("13750000", "13") not in corrected[0].text.replace("\u202f", "").replace(" ", ""):
            self.warnings.append(f"the corrected cell reads « {corrected[0].text} »")
        self.shot("08-dossier-correction", section="analyse")

    # 5. Reports.
    def issue_cba(self):
        self.case_page("rapports")
        form = self.find("#rapports form")
        Select(self.find("select[name=kind]", form)).select_by_value("cba")
        self.click_and_load(self.button("Émettre", form), timeout=self.timeout * 3)
        self.expect_no_error("after « Émettre »")
        self.case_page("rapports")
        section = self.find("#rapports")
        if not re.search(r"\b[0-9a-f]{64}\b", section.text):
            raise StepFailed("#rapports shows no SHA-256 (64 hex digits) for the issued version")
        links = [a for a in section.find_elements(By.CSS_SELECTOR, "a[href*='/api/reports/']") if "Télécharger" in a.text]
        if not links:
            raise StepFailed("#rapports has no « Télécharger » link to /api/reports/{id}")
        self.state["report_url"] = links[0].get_attribute("href")
        self.shot("09-dossier-rapports", section="rapports")

    def download_cba(self):
        """Fetches the report with the browser's session cookie; an xlsx is a zip: starts with PK."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        request = urllib.request.Request(self.state["report_url"], headers={"Cookie": cookies})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            body = response.read()
            kind = response.headers.get("Content-Type", "")
        if not body.startswith(b"PK"):
            raise StepFailed(f"the download is not an xlsx (starts with {body[:8]!r}, Content-Type {kind})")
        if "spreadsheetml" not in kind:
            self.warnings.append(f"CBA download Content-Type is « {kind} »")
        self.state["cba_bytes"] = len(body)

    # 6. Committee.
    def set_committee(self):
        self.case_page("comite")
        form = self.find("form#comite-form")
        lines = [f"{a['email']} {a['function']}" for a in self.accounts.values()]
        self.set_field(self.find("textarea[name=members]", form), "\n".join(lines))
        self.shot("10-dossier-comite-formulaire", section="comite")
        self.click_and_load(self.button("Enregistrer le comité", form))
        self.expect_no_error("after « Enregistrer le comité »")
        self.case_page("comite")
        listing = self.text("#comite")
        missing = [a["name"] for a in self.accounts.values() if a["name"] not in listing]
        if missing:
            raise StepFailed(f"#comite does not list {missing}")

    def declare(self, key):
        def run():
            self.sign_in(key)
            self.case_page("comite")
            section = self.find("#comite")
            radios = section.find_elements(By.CSS_SELECTOR, "input[type=radio][name=no_conflict][value=true]")
            if not radios:
                raise StepFailed(f"no radio no_conflict=true in #comite for {self.accounts[key]['email']}")
            if key == "rapporteur":
                self.shot("11-dossier-declaration", section="comite")
            self.reveal(radios[0])
            self.scroll(radios[0])
            radios[0].click()
            form = self.driver.execute_script("return arguments[0].form", radios[0])
            self.click_and_load(self.button("Déclarer", form))
            self.expect_no_error("after « Déclarer »")
            self.case_page("comite")
            row = [tr.text for tr in self.driver.find_elements(By.CSS_SELECTOR, "#comite tr")
                   if self.accounts[key]["name"] in tr.text]
            if not row or not re.search(r"aucun conflit", fold(row[0])):
                raise StepFailed(f"the committee table does not show the declaration: {row}")
        return run

    def decide(self):
        self.sign_in("main")
        self.case_page("decision")
        self.shot("12-dossier-comite", section="comite")
        section = self.find("#decision")
        form = self.button("Enregistrer la décision", section).find_element(By.XPATH, "./ancestor::form")
        supplier = Select(self.find("select[name=chosen_supplier]", form))
        names = [o.text for o in supplier.options
                 if (o.get_attribute("value") or "").strip() and "REVUE" not in o.text.upper()]
        if not names:
            raise StepFailed(f"no supplier to choose: {[o.text for o in supplier.options]}")
        supplier.select_by_visible_text(names[0])
        self.set_field(self.find("textarea[name=decision_reason]", form),
                       "Offre conforme après vérification des pièces (e2e)")
        self.set_field(self.find("input[name=next_action]", form), "Notifier l'attributaire")
        boxes = form.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=present]")
        if len(boxes) < 3:
            raise StepFailed(f"{len(boxes)} checkbox(es) name=present, expected one per member")
        for box in boxes:
            if not box.is_selected():
                self.scroll(box)
                box.click()
        self.shot("13-dossier-decision-formulaire", section="decision")
        self.click_and_load(self.button("Enregistrer la décision", form))
        self.expect_no_error("after « Enregistrer la décision »")
        self.case_page("decision")
        shown = self.text("#decision")
        if names[0] not in shown or "après vérification des pièces" not in shown:
            raise StepFailed(f"#decision does not show the decision: « {shown[:200]} »")
        self.shot("14-dossier-decision", section="decision")
        self.shot("15-dossier-memoire", section="memoire")

    # 7. Search and sign-out.
    def search(self):
        self.sign_in("main")
        self.load(f"/recherche?q={SEARCH_WORD}")
        links = self.driver.find_elements(By.CSS_SELECTOR, f"main a[href$='/dossiers/{self.state['case_id']}']")
        if not links:
            raise StepFailed(f"/recherche?q={SEARCH_WORD} has no link to the case")
        if "«" not in self.text("main") and not self.driver.find_elements(By.CSS_SELECTOR, "main mark, main em, main strong"):
            raise StepFailed("the results show no highlighted snippet (no « … » and no <mark>)")
        self.shot("16-recherche")
        # The search box of the header leads there too.
        box = self.driver.find_elements(By.CSS_SELECTOR, "header input[name=q]")
        if box:
            self.load("/")
            box = self.find("header input[name=q]")
            box.send_keys(SEARCH_WORD)
            self.mark_page()
            box.submit()
            self.wait().until(self.new_page_loaded)
            self.find(f"main a[href$='/dossiers/{self.state['case_id']}']")

    def similar(self):
        self.sign_in("main")
        self.load(f"/dossiers/{self.state['case_id']}/similaires")
        if self.path().startswith("/connexion") or self.driver.find_elements(By.XPATH, "//h1[contains(., 'introuvable')]"):
            raise StepFailed(f"/dossiers/{{id}}/similaires shows {self.path()}")
        self.shot("17-similaires")

    # Couche B: the market pages.
    def survey(self):
        self.sign_in("main")
        self.load("/marche/releve")
        form = self.find("form[action$='/marche/releve']")
        # A misspelt item is refused with the closest catalog names, and what was typed stays.
        for name, value in [("item", "Cimment"), ("unit", "sac 50 kg"), ("unit_price", "4 750"), ("place", "Segou")]:
            self.set_field(self.find(f"input[name={name}]", form), value)
        self.click_and_load(self.button("Enregistrer le relevé", form))
        if "Ciment CPA 42.5" not in self.text("main"):
            raise StepFailed(f"a misspelt item gives no suggestion: {self.page_errors()}")
        if self.find("input[name=unit_price]").get_attribute("value") != "4 750":
            raise StepFailed("the typed price was lost after a refusal")
        self.shot("30-releve-refus")
        for item, unit, price in [("ciment cpa42,5", "sac 50 kg", "4 750"), ("Ciment CPA 42.5", "tonne", "93 000"),
                                  ("CIMENT CPA 42,5", "sac de 50 kg", "4600")]:
            self.load("/marche/releve")
            form = self.find("form[action$='/marche/releve']")
            for name, value in [("item", item), ("unit", unit), ("unit_price", price), ("place", "Segou")]:
                self.set_field(self.find(f"input[name={name}]", form), value)
            self.click_and_load(self.button("Enregistrer le relevé", form))
            if "Relevé enregistré" not in self.text("main"):
                raise StepFailed(f"survey {item} {unit} {price} not recorded: {self.page_errors()}")
        self.shot("31-releve")

    def validate_signals(self):
        self.sign_in("main")
        self.load("/marche/validation")
        boxes = self.driver.find_elements(By.CSS_SELECTOR, "input[type=checkbox][name=ids]")
        if len(boxes) < 3:
            raise StepFailed(f"the queue lists {len(boxes)} proposed signals, expected 3")
        self.shot("32-validation")
        for box in boxes:
            self.reveal(box)
            box.click()
        self.click_and_load(self.button("Valider la sélection"))
        if "validé" not in self.text("main"):
            raise StepFailed(f"no confirmation after validating: {self.page_errors()}")

    def market_prices(self):
        self.sign_in("main")
        self.load("/marche?article=Ciment+CPA+42.5&lieu=S%C3%A9gou")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")
        if not rows or "3" not in rows[0].text:
            raise StepFailed(f"the statistics do not show the 3 validated signals: {[r.text for r in rows]}")
        if not self.driver.find_elements(By.CSS_SELECTOR, "main svg.chart"):
            raise StepFailed("no price chart")
        self.shot("33-marche")

    def price_lines(self):
        self.sign_in("main")
        self.case_page("prix")
        self.shot("34-dossier-prix", section="prix")

    def http(self, path, data=None):
        """A request with the browser's session cookie (for setup and headers, not for the journey)."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url(path), data=body, headers={"Cookie": cookies, "Origin": self.base})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args):
                return None
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, response.headers, response.read()

    def security_headers(self):
        status, headers, _ = self.http("/connexion")
        wanted = {"Content-Security-Policy": "default-src", "X-Content-Type-Options": "nosniff", "Referrer-Policy": ""}
        missing = [f"{name}" for name, part in wanted.items() if part not in (headers.get(name) or "\0")]
        if status != 200 or missing:
            raise StepFailed(f"/connexion: HTTP {status}, missing or wrong headers: {missing}")
        if "'unsafe-inline'" in (headers.get("Content-Security-Policy") or "").split("script-src", 1)[-1].split(";")[0]:
            raise StepFailed("the CSP allows inline scripts")
        if self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != "fr":
            raise StepFailed("<html> has no lang=\"fr\"")

    def escaping_and_next_page(self):
        """A title with markup shows as text; with more cases than a page, « Page suivante » leads on."""
        self.sign_in("main")
        self.load("/dossiers/nouveau")
        csrf = self.find("form[action$='/dossiers'] input[name=_csrf]").get_attribute("value")
        hostile = "<script>alert(1)</script> & « guillemets »"
        status, headers, _ = self.http("/dossiers", {"_csrf": csrf, "case_type": "RFQ", "title": hostile, "lot": ""})
        location = headers.get("Location") or ""
        if status not in (302, 303) or "/dossiers/" not in location:
            raise StepFailed(f"creating a case by the form's POST: HTTP {status}, Location « {location} »")
        self.load(location if location.startswith("/") else location[len(self.base):])
        if self.text("h1") != hostile:
            raise StepFailed(f"the title with markup shows as « {self.text('h1')} »")
        if self.driver.find_elements(By.XPATH, "//script[contains(., 'alert(1)')]"):
            raise StepFailed("the title's <script> is in the page as a script element")
        # One full page of the list (50) plus one: a second page must exist.
        for n in range(51):
            status, _, _ = self.http("/dossiers", {"_csrf": csrf, "case_type": "RFQ", "title": f"Dossier de pagination {n + 1:02d}", "lot": ""})
            if status not in (302, 303):
                raise StepFailed(f"creating case {n + 1} for pagination: HTTP {status}")
        self.load("/")
        first = {a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dossiers/']")}
        self.click_and_load(self.find_link("Page suivante"))
        second = {a.get_attribute("href") for a in self.driver.find_elements(By.CSS_SELECTOR, "table a[href*='/dossiers/']")}
        if not second or first & second:
            raise StepFailed(f"« Page suivante »: {len(second)} case(s), {len(first & second)} already on page 1")
        total = len(first) + len(second)
        # 53: the journey's case, the hostile title and the 51 made here; one more when the sealed-offers step ran.
        expected = 53 + (1 if "sealed offers: a deadline, a late offer, the opening session" in self.done else 0)
        if total != expected:
            raise StepFailed(f"pages 1 and 2 list {total} cases, expected {expected}")

    def role_refusal(self):
        """A comite-only account may not create a case: a French 403 page."""
        self.sign_in("rapporteur")
        self.load("/dossiers/nouveau")
        shown = self.text("main")
        if "nouveau dossier" in fold(self.text("h1")) and self.driver.find_elements(By.CSS_SELECTOR, "form[action$='/dossiers']"):
            # The form may be shown; the refusal then comes when it is sent.
            form = self.find("form[action$='/dossiers']")
            self.set_field(self.find("input[name=title]", form), "Dossier interdit")
            self.click_and_load(self.button("Créer le dossier", form))
            shown = self.text("main")
        if "non autoris" not in fold(shown) and "role" not in fold(shown):
            raise StepFailed(f"a comite-only account is not refused in French: « {shown[:160]} »")
        self.shot("19-action-non-autorisee")

    def unknown_case(self):
        self.sign_in("main")
        self.load("/dossiers/00000000-0000-4000-8000-000000000000")
        if self.path().startswith("/connexion"):
            raise StepFailed("signed in, an unknown case sends back to /connexion")
        if "introuvable" not in fold(self.text("main")) and "n'existe pas" not in fold(self.text("main")):
            raise StepFailed(f"an unknown case does not say so in French: « {self.text('main')[:160]} »")
        self.shot("18-dossier-introuvable")

    def sign_out_step(self):
        self.sign_in("main")
        self.sign_out()
        self.load("/")
        if not self.path().startswith("/connexion"):
            raise StepFailed(f"after signing out, / shows {self.path()}")

    # ---- screenshots ---------------------------------------------------------------------

    def shot(self, name, section=None):
        """Saves the page (or one section of it) at each width, at most SHOT_MAX_HEIGHT px high."""
        if not self.shots:
            return
        os.makedirs(self.shots, exist_ok=True)
        try:
            for width in WIDTHS:
                self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": width, "height": 900 if width > 600 else 640, "deviceScaleFactor": 1,
                    "mobile": width < 600, "screenWidth": width, "screenHeight": 900 if width > 600 else 640})
                self.driver.execute_script("window.scrollTo(0, 0)")
                box = self.driver.execute_script("""
                    const el = arguments[0] ? document.querySelector(arguments[0]) : null;
                    const doc = document.documentElement;
                    if (!el) return {x: 0, y: 0, w: window.innerWidth, h: Math.max(doc.scrollHeight, document.body.scrollHeight)};
                    const r = el.getBoundingClientRect();
                    return {x: 0, y: Math.max(0, r.top + window.scrollY - 8), w: window.innerWidth, h: r.height + 16};
                """, f"#{section}" if section else None)
                height = int(min(box["h"], SHOT_MAX_HEIGHT))
                data = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True, "optimizeForSpeed": False,
                    "clip": {"x": 0, "y": box["y"], "width": box["w"], "height": height, "scale": 1}})
                path = os.path.join(self.shots, f"{name}-{width}.png")
                with open(path, "wb") as out:
                    out.write(base64.b64decode(data["data"]))
                cut = " (cut at %d px of %d)" % (SHOT_MAX_HEIGHT, box["h"]) if box["h"] > SHOT_MAX_HEIGHT else ""
                problems = self.layout_problems(f"#{section}" if section else None)
                print(f"  shot {os.path.relpath(path)} {box['w']}x{height}{cut}"
                      + "".join(f"\n    {'' if p.startswith('note:') else 'WARN '}{p}" for p in problems), flush=True)
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def layout_problems(self, scope=None):
        """Horizontal overflow of the page, elements sticking out of the viewport, clipped text
        (within `scope` when given). A table scrolling inside its wrapper is reported as a note."""
        return self.driver.execute_script("""
            const out = [], vw = document.documentElement.clientWidth;
            const root = arguments[0] ? document.querySelector(arguments[0]) : document.body;
            const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
            if (document.documentElement.scrollWidth > vw + 1)
                out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide for ' + vw);
            const scrollers = [...root.querySelectorAll('*')].filter(e => {
                const s = getComputedStyle(e); return /(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1; });
            for (const e of scrollers) out.push('note: ' + name(e) + ' scrolls sideways (' + e.scrollWidth + ' px in ' + e.clientWidth
                + '; visible: ' + [...e.querySelectorAll('thead th')].filter(th => th.getBoundingClientRect().right <= e.getBoundingClientRect().right + 1)
                    .map(th => th.textContent.trim()).join(', ') + ')');
            let sticking = 0;
            for (const e of root.querySelectorAll('*')) {
                const r = e.getBoundingClientRect();
                if (r.width === 0 || r.right <= vw + 1) continue;
                if (scrollers.some(s => s.contains(e))) continue;
                if (sticking++ < 5) out.push('sticks out: ' + name(e) + ' right edge at ' + Math.round(r.right) + ' px');
            }
            for (const e of root.querySelectorAll('*')) {
                const s = getComputedStyle(e);
                if (/(hidden|clip)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0
                    && !e.classList.contains('visually-hidden'))
                    out.push('text cut in ' + name(e) + ': « ' + e.textContent.trim().slice(0, 40) + ' »');
            }
            const ctx = document.createElement('canvas').getContext('2d');
            for (const e of root.querySelectorAll('input[placeholder], select')) {
                const s = getComputedStyle(e);
                if (e.offsetParent === null) continue;
                ctx.font = s.font;
                const text = e.tagName === 'SELECT' ? (e.selectedOptions[0] || {}).text || '' : e.placeholder;
                const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - (e.tagName === 'SELECT' ? 20 : 0);
                if (ctx.measureText(text).width > room + 1)
                    out.push('text cut in ' + name(e) + '[name=' + e.name + ']: « ' + text + ' » needs ' + Math.ceil(ctx.measureText(text).width) + ' px, has ' + Math.floor(room));
            }
            return out.slice(0, 12);
        """, scope)

    # 9. The procedure (issue 20): a deadline, a sealed late offer, the opening session.
    def sealed_offers(self):
        self.sign_in("main")
        main_case = self.state["case_id"]
        try:
            self.load("/dossiers/nouveau")
            form = self.find("form[action$='/dossiers']")
            Select(self.find("select[name=case_type]", form)).select_by_value("DAO")
            self.set_field(self.find("input[name=title]", form), "Plis scellés — séance d'ouverture (e2e)")
            self.click_and_load(self.button("Créer le dossier", form))
            match = re.match(r"^/dossiers/([0-9a-fA-F-]{36})", self.path())
            if not match:
                raise StepFailed(f"after « Créer le dossier » the browser is on {self.path()}")
            self.state["case_id"] = match.group(1).lower()
            # A deadline five minutes ago, typed in the case's zone (Africa/Bamako is UTC).
            self.case_page("procedure")
            form = self.button("Enregistrer la procédure").find_element(By.XPATH, "./ancestor::form")
            deadline = time.strftime("%Y-%m-%dT%H:%M", time.gmtime(time.time() - 300))
            self.driver.execute_script("arguments[0].value = arguments[1]", self.find("input[name=deadline]", form), deadline)
            self.set_field(self.find("input[name=budget]", form), "40000000")
            self.click_and_load(self.button("Enregistrer la procédure", form))
            self.expect_no_error("after « Enregistrer la procédure »")
            if "scellés jusqu'à la séance d'ouverture" not in self.text("#faits"):
                raise StepFailed(f"#faits does not say the offers are sealed: « {self.text('#faits')[:300]} »")
            # An offer arrives after the deadline: sealed, listed by its receipt, marked « hors délai ».
            self.case_page("documents")
            form = self.find("form#depot-offres")
            field = self.find("input[type=file][name=file]", form)
            field.send_keys(os.path.join(self.fixtures, OFFER_FIXTURES[0]))
            self.click_and_load(self.button("Déposer les offres", form), timeout=self.timeout * 3)
            self.expect_no_error("after « Déposer les offres » (sealed)")
            listing = self.text("#documents")
            if "Plis reçus scellés" not in listing or "hors délai" not in listing or OFFER_FIXTURES[0] in listing:
                raise StepFailed(f"#documents should list one sealed, late receipt and not the file's name: « {listing[:400]} »")
            self.shot("35-plis-scelles", section="documents")
            # The opening session (no committee on this case: a comite account opens).
            self.click_and_load(self.button("Ouvrir les plis (séance d'ouverture)"), timeout=self.timeout * 3)
            self.expect_no_error("after « Ouvrir les plis »")
            self.case_page("documents")
            listing = self.text("#documents")
            if OFFER_FIXTURES[0] not in listing or "ouvert en séance" not in listing:
                raise StepFailed(f"after the session #documents should list the opened offer: « {listing[:400]} »")
            if "PV d'ouverture" not in self.text("#rapports"):
                raise StepFailed(f"#rapports does not list the PV d'ouverture: « {self.text('#rapports')[:300]} »")
            self.shot("36-seance-ouverture", section="documents")
            self.find_link("Télécharger l'archive pour l'auditeur (zip)")
        finally:
            self.state["case_id"] = main_case

    # ---- the journey ---------------------------------------------------------------------

    def run(self):
        s = self.step
        s("signed out: every page redirects to /connexion", self.signed_out_redirects)
        s("wrong password: French message, email kept", self.wrong_password)
        s("sign in (agent+comite+admin)", self.main_signs_in)
        s("create a case", self.create_case, needs=["sign in (agent+comite+admin)"])
        s("the case in the list, with filters", self.case_in_list, needs=["create a case"])
        s("upload the DAO", self.upload_dao, needs=["create a case"])
        s("upload five offers at once", self.upload_offers, needs=["create a case"])
        s("Analyser", self.analyse, needs=["upload five offers at once"])
        s("analysis table: alphabetical, confidence in words, sources", self.analysis_shown, needs=["Analyser"])
        s("correct a REVUE MANUELLE cell", self.correct, needs=["Analyser"])
        s("issue the CBA", self.issue_cba, needs=["Analyser"])
        s("download the CBA (xlsx)", self.download_cba, needs=["issue the CBA"])
        s("set the committee", self.set_committee, needs=["create a case"])
        for key in self.accounts:
            s(f"declare no conflict ({self.accounts[key]['function']}, {self.accounts[key]['email']})",
              self.declare(key), needs=["set the committee"])
        declared = [f"declare no conflict ({a['function']}, {a['email']})" for a in self.accounts.values()]
        s("decide with the quorum present", self.decide, needs=["Analyser"] + declared)
        s("market survey: a misspelt item refused with suggestions, three prices recorded", self.survey,
          needs=["sign in (agent+comite+admin)"])
        s("validation queue: validate the selection", self.validate_signals, needs=["market survey: a misspelt item refused with suggestions, three prices recorded"])
        s("market prices: table and chart", self.market_prices, needs=["validation queue: validate the selection"])
        s("price lines of the case", self.price_lines, needs=["Analyser"])
        s("sealed offers: a deadline, a late offer, the opening session", self.sealed_offers, needs=["create a case"])
        s("search the case by a title word", self.search, needs=["create a case"])
        s("similar cases page", self.similar, needs=["create a case"])
        s("security headers, lang=fr", self.security_headers)
        s("escaped title; « Page suivante » with 53 cases", self.escaping_and_next_page, needs=["create a case"])
        s("comite-only account refused in French (403)", self.role_refusal)
        s("unknown case: French message", self.unknown_case, needs=["sign in (agent+comite+admin)"])
        s("sign out", self.sign_out_step, needs=["sign in (agent+comite+admin)"])
        for warning in self.warnings:
            print(f"WARN {warning}")
        print(f"{self.passed} passed, {self.failed} failed" + (f" ({self.skipped} skipped)" if self.skipped else ""), flush=True)
        return 1 if self.failed or self.skipped else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("accounts", help="print the accounts to create: email<TAB>name<TAB>roles (comma-separated)")
    run = sub.add_parser("run", help="drive the browser through the journey")
    run.add_argument("--base-url", required=True)
    run.add_argument("--password", default=os.environ.get("E2E_PASSWORD"), help="(default: $E2E_PASSWORD)")
    run.add_argument("--fixtures", required=True)
    run.add_argument("--screenshots", help="directory for the PNGs (none: no screenshots)")
    run.add_argument("--artifacts", help="directory for the HTML and PNG of failed steps")
    run.add_argument("--chromium", default="/usr/bin/chromium")
    run.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    run.add_argument("--timeout", type=float, default=20, help="seconds for each wait (default 20)")
    run.add_argument("--analysis-timeout", type=float, default=300, help="seconds for « Analyser » (default 300)")
    args = parser.parse_args()
    if args.command == "accounts":
        for _key, email, name, roles, _function in ACCOUNTS:
            print(f"{email}\t{name}\t{','.join(roles)}")
        return 0
    if not args.password:
        parser.error("--password or $E2E_PASSWORD is required")
    journey = Journey(args)
    try:
        return journey.run()
    finally:
        journey.driver.quit()


if __name__ == "__main__":
    sys.exit(main())
