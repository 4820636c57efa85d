#!/usr/bin/env python3
"""Writes the largest inputs Sightline's limits still let through (and one just past them),
for scripts/peak-memory.sh. Synthetic data only.

    make_large.py KIND FILE

KIND:
  rejected_rows N   people CSV of N rows, each with a unique id and an unreadable date (E003):
                    every row rejected, diagnostics past the listed 100,000 only counted
  workbook_cells N  a workbook of one people sheet with N rows of 6 inline-string cells
  shared_strings N  a workbook whose sheet points at N distinct shared strings (N rows of one id)
"""
import sys
import zipfile

CONTENT_TYPES = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 '<Default Extension="xml" ContentType="application/xml"/></Types>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="people" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                 '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                 '</Relationships>')
SHEET_HEAD = '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
SHEET_TAIL = '</sheetData></worksheet>'


def inline(value):
    return '<c t="inlineStr"><is><t>%s</t></is></c>' % value


def workbook(path, sheet_rows, shared=None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=False) as sheet:
            sheet.write(SHEET_HEAD.encode())
            for row in sheet_rows:
                sheet.write(row.encode())
            sheet.write(SHEET_TAIL.encode())
        if shared is not None:
            with z.open("xl/sharedStrings.xml", "w") as strings:
                strings.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
                for value in shared:
                    strings.write(("<si><t>%s</t></si>" % value).encode())
                strings.write(b"</sst>")


def main():
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if kind == "rejected_rows":
        with open(path, "w") as out:
            out.write("person_id,role,date_of_birth\n")
            for i in range(n):
                out.write("P%07d,victim,31/31/2001\n" % i)
    elif kind == "workbook_cells":
        header = "<row>" + "".join(inline(h) for h in
                                   ["person_id", "role", "given_name", "family_name", "date_of_birth", "sex"]) + "</row>"
        rows = (header if i == 0 else
                "<row>" + inline("P%07d" % i) + inline("victim") + inline("Ann") + inline("Example")
                + inline("2001-02-03") + inline("female") + "</row>"
                for i in range(n + 1))
        workbook(path, rows)
    elif kind == "shared_strings":
        header = "<row>" + inline("person_id") + "</row>"
        rows = (header if i == 0 else '<row><c t="s"><v>%d</v></c></row>' % (i - 1)
                for i in range(n + 1))
        workbook(path, rows, ("P%07d" % i for i in range(n)))
    else:
        sys.exit("unknown kind " + kind)


main()
