#!/usr/bin/env bash
# Regenerates the document fixtures with LibreOffice (a different program than the parsers
# that read them): a flat-ODF source -> DOCX, PDF (2 pages, bookmarks), HTML, and an
# encrypted PDF; a corrupt PDF is the real one truncated. Needs: apt-get install
# libreoffice-writer-nogui (not part of the installer: it is big and only the tests need it).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/handbook.fodt" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
  office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>Greenhouse Handbook</dc:title></office:meta>
 <office:styles>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
    style:default-outline-level="1"><style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
    style:default-outline-level="2"><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="PB" style:family="paragraph" style:parent-style-name="Heading_20_1">
   <style:paragraph-properties fo:break-before="page"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:h text:style-name="Heading_20_1" text:outline-level="1">Irrigation</text:h>
  <text:p>The greenhouse uses drip irrigation on every bench. Water is drawn from the rain
   tank first and from the mains only when the tank level falls below twenty percent.</text:p>
  <text:h text:style-name="Heading_20_2" text:outline-level="2">Pump maintenance</text:h>
  <text:p>The irrigation pump must be serviced every 14 weeks. Replace the intake filter at each
   service and record the pressure reading in the blue logbook.</text:p>
  <text:h text:style-name="Heading_20_2" text:outline-level="2">Watering schedule</text:h>
  <text:p>Seedlings are watered twice a day, at 07:00 and at 18:30. Mature tomato plants are
   watered once a day, in the early morning.</text:p>
  <text:h text:style-name="PB" text:outline-level="1">Ventilation</text:h>
  <text:p>The roof vents open automatically when the air temperature rises above 27 degrees
   Celsius. In winter the vents stay closed below 5 degrees, whatever the humidity.</text:p>
  <text:p>Target temperatures by zone:</text:p>
  <table:table table:name="Zones">
   <table:table-column table:number-columns-repeated="2"/>
   <table:table-row><table:table-cell><text:p>Zone</text:p></table:table-cell>
    <table:table-cell><text:p>Target temperature</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>Propagation</text:p></table:table-cell>
    <table:table-cell><text:p>22 degrees</text:p></table:table-cell></table:table-row>
   <table:table-row><table:table-cell><text:p>Orchids</text:p></table:table-cell>
    <table:table-cell><text:p>19 degrees</text:p></table:table-cell></table:table-row>
  </table:table>
  <text:h text:style-name="Heading_20_2" text:outline-level="2">Emergency contacts</text:h>
  <text:p>If the heating fails at night, call the caretaker, Ingrid Valdez, on extension 4471.</text:p>
 </office:text></office:body>
</office:document>
XML

export HOME="$work"  # LibreOffice writes a profile there
soffice --headless --convert-to docx:"MS Word 2007 XML" --outdir "$work" "$work/handbook.fodt" >/dev/null
soffice --headless --convert-to pdf:writer_pdf_Export --outdir "$work" "$work/handbook.fodt" >/dev/null
soffice --headless --convert-to html:"HTML (StarWriter)" --outdir "$work" "$work/handbook.fodt" >/dev/null
cp "$work/handbook.docx" "$work/handbook.pdf" "$work/handbook.html" .
cp "$work/handbook.fodt" handbook.fodt

# an encrypted PDF (open password "secret")
mkdir -p "$work/enc"
soffice --headless --convert-to \
  'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}' \
  --outdir "$work/enc" "$work/handbook.fodt" >/dev/null
cp "$work/enc/handbook.pdf" encrypted.pdf

# a corrupt PDF: the real one cut in the middle, with its body garbled
head -c 1200 handbook.pdf > corrupt.pdf
printf '\n%s\n' 'garbage where the cross-reference table should be' >> corrupt.pdf
ls -l handbook.* encrypted.pdf corrupt.pdf
