#!/usr/bin/env python3
"""Issue 17's acceptance, as a new user would do it, against a running service (accounts on).

  scripts/market_acceptance.py --base-url http://127.0.0.1:8080 --agent TOKEN --admin TOKEN --comite TOKEN

Five survey prices of cement in Ségou (spelling variants, two units) → four validated, one rejected
→ the statistics show count 4 and the median; a case whose chosen offer has a cement line, matched
to the catalog, is decided → a proposed signal linked to it appears; the next case's CBA shows the
reference price beside its cement line. Prints each step and exits 1 at the first failure.
Python standard library only.
"""
import argparse
import datetime
import io
import json
import sys
import urllib.error
import urllib.request
import uuid
import zipfile
from xml.sax.saxutils import escape


def docx(paragraphs):
    """A minimal Word file; a paragraph with ' | ' is a table row."""
    def para(text):
        return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    body, in_table = "", False
    for text in paragraphs:
        cells = text.split(" | ")
        if len(cells) > 1:
            if not in_table:
                body += "<w:tbl><w:tblPr/>"
                in_table = True
            body += "<w:tr>" + "".join(f"<w:tc><w:tcPr/>{para(c)}</w:tc>" for c in cells) + "</w:tr>"
        else:
            if in_table:
                body += "</w:tbl>"
                in_table = False
            body += para(text)
    if in_table:
        body += "</w:tbl>"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>')
    return out.getvalue()


class Client:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, token, method, path, body=None, raw=False, multipart=None):
        headers = {"Authorization": f"Bearer {token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if multipart is not None:
            boundary = uuid.uuid4().hex
            name, content = multipart
            data = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                    f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                content = response.read()
                return response.status, content if raw else json.loads(content or b"null")
        except urllib.error.HTTPError as error:
            content = error.read()
            return error.code, content if raw else json.loads(content or b"null")


def check(condition, message):
    if not condition:
        print(f"FAIL {message}")
        sys.exit(1)
    print(f"ok   {message}")


def offer(supplier, price, quantity, total):
    return docx(["OFFRE FINANCIÈRE", f"Soumissionnaire : {supplier}", "BORDEREAU DES PRIX",
                 "N° | Désignation | Unité | Quantité | Prix unitaire (FCFA) | Montant (FCFA)",
                 f"1 | Ciment CPA 42.5 | sac 50 kg | {quantity} | {price} | {total}",
                 f"Montant total TTC : {total} FCFA"])


def sheet_rows(xlsx, name):
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            import re
            for si in re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S):
                shared.append("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)))
        import re
        workbook = z.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="(rId\d+)"', workbook)
        rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', z.read("xl/_rels/workbook.xml.rels").decode()))
        target = dict(sheets)[name]
        xml = z.read("xl/" + rels[target].lstrip("/").replace("xl/", "")).decode()
        rows = []
        for row in re.findall(r"<row[^>]*>(.*?)</row>", xml, re.S):
            cells = []
            for attrs, value in re.findall(r"<c([^>]*)>(?:<v>(.*?)</v>)?", row):
                cells.append(shared[int(value)] if 't="s"' in attrs and value else value)
            rows.append(cells)
        return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--agent", required=True, help="API token of an agent")
    parser.add_argument("--admin", required=True, help="API token of an admin")
    parser.add_argument("--comite", required=True, help="API token of a comite member")
    args = parser.parse_args()
    api = Client(args.base_url)
    day = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()

    ids = []
    for item, unit, price, place in [("Ciment CPA 42.5", "sac 50 kg", "4 750", "Ségou"), ("ciment cpa42,5", "sac de 50 kg", "4600", "SEGOU"),
                                     ("CIMENT CPA 42,5", "tonne", "92 000", "Segou"), ("Ciment CPA 42.5", "sac 50 kg", "4 500", "Grand marché de Ségou"),
                                     ("ciment CPA 42.5", "sac 50 kg", "9 999", "Ségou")]:
        status, body = api.call(args.agent, "POST", "/api/market/signals",
                                {"item": item, "unit": unit, "unit_price": price, "place": place, "observed_on": day})
        check(status == 201 and body["status"] == "proposed", f"survey « {item} », {unit}, {price}, {place} → proposed ({body.get('base_unit_price')} FCFA/kg)")
        ids.append(body["id"])
    status, _ = api.call(args.agent, "POST", f"/api/market/signals/{ids[0]}/validate")
    check(status == 403, "an agent cannot validate (403)")
    status, body = api.call(args.admin, "POST", "/api/market/signals/validate", {"ids": ids[:4]})
    check(status == 200 and len(body["items"]) == 4, "the admin validates four")
    status, body = api.call(args.admin, "POST", f"/api/market/signals/{ids[4]}/reject", {"reason": "prix hors marché (erreur de saisie)"})
    check(status == 200 and body["status"] == "rejected", "and rejects one, with the reason kept")
    status, body = api.call(args.agent, "GET", "/api/market/stats?item=Ciment%20CPA%2042.5&place=S%C3%A9gou&group=month")
    rows = body["rows"]
    # per kg: 95, 92, 92, 90 → median 92
    check(status == 200 and sum(r["count"] for r in rows) == 4, f"statistics: count 4 ({json.dumps(rows, ensure_ascii=False)})")
    check(len(rows) == 1 and rows[0]["median"] == 92, "median 92 FCFA/kg (95, 92, 92, 90)")

    status, case = api.call(args.agent, "POST", "/api/cases", {"case_type": "RFQ", "title": "Ciment pour l'école de Ségou"})
    first = case["id"]
    status, _ = api.call(args.agent, "PATCH", f"/api/cases/{first}", {"place": "Ségou"})
    check(status == 200, "case 1 created, placed in Ségou")
    status, _ = api.call(args.agent, "POST", f"/api/upload/{first}/offer", multipart=("offre_diallo.docx", offer("Ets Diallo", "4 800", "200", "960 000")))
    status, _ = api.call(args.agent, "POST", f"/api/analyze/{first}")
    status, detail = api.call(args.agent, "GET", f"/api/cases/{first}")
    lines = [line for line in detail["price_lines"] if line["designation"] == "Ciment CPA 42.5"]
    check(len(lines) == 1, f"its offer's cement line is read: {lines[0]['reference_text'] if lines else '-'}")
    key = lines[0]["key"]
    status, _ = api.call(args.agent, "POST", f"/api/cases/{first}/price-lines/{key}/match",
                         {"item": "Ciment CPA 42.5", "unit": "sac 50 kg", "reason": "même produit"})
    check(status == 200, "an agent confirms the line's catalog item and unit")
    status, body = api.call(args.agent, "GET", "/api/market/signals?status=proposed")
    check(body["total"] == 0, "no signal before the decision")
    status, _ = api.call(args.comite, "POST", f"/api/decide/{first}", {"chosen_supplier": "Ets Diallo", "decision_reason": "Offre conforme"})
    check(status == 200, "the committee decides")
    status, body = api.call(args.admin, "GET", "/api/market/signals?status=proposed")
    from_case = [s for s in body["items"] if s.get("case_id") == first]
    check(len(from_case) == 1 and from_case[0]["source"] == "case", f"a proposed signal linked to the case appears ({from_case[0]['unit_price'] if from_case else '-'} FCFA/{from_case[0]['unit']['name'] if from_case else '-'})")

    status, case = api.call(args.agent, "POST", "/api/cases", {"case_type": "RFQ", "title": "Ciment pour le centre de santé de Ségou"})
    second = case["id"]
    api.call(args.agent, "PATCH", f"/api/cases/{second}", {"place": "Ségou"})
    api.call(args.agent, "POST", f"/api/upload/{second}/offer", multipart=("offre_sahel.docx", offer("Sahel BTP", "4 900", "10", "49 000")))
    api.call(args.agent, "POST", f"/api/analyze/{second}")
    status, xlsx = api.call(args.agent, "GET", f"/api/download/{second}/cba", raw=True)
    rows = sheet_rows(xlsx, "Commercial")
    cement = [" | ".join(r) for r in rows if any("Ciment CPA 42.5" in c for c in r)]
    check(status == 200 and cement and "référence marché" in cement[0],
          f"the next case's CBA, sheet Commercial: {cement[0] if cement else rows}")
    print("acceptance: all steps passed")


if __name__ == "__main__":
    main()
