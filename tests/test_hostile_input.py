"""Broken, hostile and awkward input, dropped into a real `courrier run`: every file ends
routed, quarantined with a readable reason, or marked duplicate, within a bounded time,
and the pipeline stays up throughout."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from email.message import EmailMessage
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from pipeline.batch import drop_file
from pipeline.labels import read_labels
from tests.conftest import SAMPLES, config_text, courrier, export_items, wait_until

pytestmark = pytest.mark.slow

LETTER = [
    "Mme Claire Dubois", "12 rue des Lilas", "45000 Orléans", "",
    "Orléans, le 3 mars 2026", "",
    "Objet : demande de copie intégrale d'acte de naissance", "",
    "Monsieur le Maire,",
    "Je vous prie de bien vouloir m'adresser une copie intégrale de mon acte de naissance.",
    "Veuillez agréer mes salutations distinguées.",
]


def letter_pdf(**options: object) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, **{"invariant": 1, **options})
    y = 780
    for line in LETTER:
        pdf.drawString(60, y, line)
        y -= 18
    pdf.save()
    return buffer.getvalue()


def cyclic_pdf() -> bytes:
    """A page tree whose only kid is itself."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def long_scan(pages: int = 60) -> bytes:
    """A multi-page TIFF at 150 dpi, a line of text per page."""
    frames = []
    for number in range(1, pages + 1):
        page = Image.new("L", (1240, 1754), 255)
        ImageDraw.Draw(page).text((100, 100 + number * 10), f"Annexe page {number}", fill=0)
        frames.append(page.convert("1"))
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:],
                   compression="group4", dpi=(150, 150))
    return buffer.getvalue()


def huge_image() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000), 1).save(buffer, format="PNG")
    return buffer.getvalue()


def email(subject: str | None, body: str | None, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Claire Dubois <claire.dubois@example.org>"
    message["To"] = "accueil@mairie.example.org"
    if subject is not None:
        message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    if body is not None:
        message.set_content(body)
    return message


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lettre.pdf", letter_pdf())
    return buffer.getvalue()


def hostile_files() -> dict[str, bytes]:
    sample_pdf = next(label for label in read_labels(SAMPLES) if label["kind"] == "pdf")
    with_attachment = email("Demande d'acte de naissance",
                            "Veuillez trouver ma demande de copie intégrale d'acte de naissance.")
    with_attachment.add_attachment(letter_pdf(), maintype="application", subtype="pdf",
                                   filename="../../etc/passwd.pdf")
    bad_date = email("Demande de copie intégrale d'acte de naissance",
                     "Je souhaite recevoir une copie intégrale de mon acte de naissance.",
                     Date="le 32 du mois de Brumaire")
    eight_bit = (
        "From: Ren\u00e9 L\u00e9vy <rene@example.org>\r\nTo: mairie@example.org\r\n"
        "Subject: Acte de d\u00e9c\u00e8s de mon p\u00e8re\r\n"
        "Content-Type: text/plain; charset=latin-1\r\n\r\n"
        "Je sollicite une copie de l'acte de d\u00e9c\u00e8s de mon p\u00e8re.\r\n"
    ).encode("latin-1")
    big_header = email("Acte de naissance", "Une copie intégrale d'acte de naissance, svp.")
    big_header["X-Padding"] = "x" * 1_000_000
    return {
        "vide.pdf": b"",
        "tronque.pdf": letter_pdf()[:400],
        "en-fait-un-pdf.jpg": (SAMPLES / sample_pdf["file"]).read_bytes(),
        "lettre.txt": "\n".join(LETTER).encode("utf-8"),
        "courrier.docx": docx_bytes(),
        "archive.zip": zip_bytes(),
        "protege.pdf": letter_pdf(encrypt="secret"),
        "enorme.png": huge_image(),
        "dossier-60-pages.tif": long_scan(),
        "cyclique.pdf": cyclic_pdf(),
        "piece-jointe-piegee.eml": with_attachment.as_bytes(),
        "date-invalide.eml": bad_date.as_bytes(),
        "sans-corps.eml": email("Sans objet", None).as_bytes(),
        "entetes-8-bits.eml": eight_bit,
        "entete-1-mo.eml": big_header.as_bytes(),
    }


# name → (outcome, a word the reason or service must contain)
EXPECTED = {
    "vide.pdf": ("quarantined", "empty"),
    "tronque.pdf": ("quarantined", ""),
    "en-fait-un-pdf.jpg": ("routed", ""),
    "lettre.txt": ("routed", "etat-civil"),
    "courrier.docx": ("quarantined", "Word"),
    "archive.zip": ("quarantined", "ZIP"),
    "protege.pdf": ("quarantined", "password"),
    "enorme.png": ("quarantined", "pixels"),
    "dossier-60-pages.tif": ("routed", ""),
    "cyclique.pdf": ("quarantined", ""),
    "piece-jointe-piegee.eml": ("routed", "etat-civil"),
    "date-invalide.eml": ("routed", "etat-civil"),
    "sans-corps.eml": ("routed", ""),
    "entetes-8-bits.eml": ("routed", "etat-civil"),
    "entete-1-mo.eml": ("routed", ""),
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from tests.conftest import RunningPipeline

    root = tmp_path_factory.mktemp("hostile")
    config_file = root / "courrier.toml"
    # the default delay: a slow copy pauses for less than that between its chunks
    config_file.write_text(config_text(stable_seconds=1.0), encoding="utf-8")
    data_dir = root / "data"
    running = RunningPipeline(config_file, data_dir, root / "run.log").start()
    inbox = data_dir / "inbox"
    try:
        wait_until(inbox.is_dir, 30, "the inbox")
        sources = root / "sources"
        sources.mkdir()
        for name, content in hostile_files().items():
            (sources / name).write_bytes(content)
            drop_file(sources / name, inbox, name)
        # the same letter twice under two names
        twice = letter_pdf(invariant=0)
        (inbox / "scan du 3 mars.pdf").write_bytes(twice)
        (inbox / "scan du 3 mars (copie).pdf").write_bytes(twice)
        # a file copied slowly, in chunks over 5 s, as over a slow network share
        slow = (SAMPLES / next(lb["file"] for lb in read_labels(SAMPLES)
                               if lb["kind"] == "png")).read_bytes()
        writer = threading.Thread(target=_write_slowly, args=(inbox / "lent.png", slow))
        writer.start()
        alive_during = []
        expected_count = len(EXPECTED) + 3

        def finished() -> list[dict] | None:
            alive_during.append(running.process.poll() is None)
            items = export_items(config_file, data_dir)
            final = {"routed", "quarantined", "duplicate"}
            if len(items) >= expected_count and all(i["status"] in final for i in items):
                return items
            return None

        started = time.monotonic()
        items = wait_until(finished, 420, "every hostile file to end", interval=1.0)
        writer.join()
        yield {"items": items, "seconds": time.monotonic() - started, "alive": alive_during,
               "running": running, "config": config_file, "data": data_dir, "root": root,
               "slow": slow}
    finally:
        running.stop()


def _write_slowly(path: Path, content: bytes) -> None:
    chunk = len(content) // 20 + 1
    with path.open("wb") as handle:
        for start in range(0, len(content), chunk):  # 20 chunks, 0.25 s apart: 5 s
            handle.write(content[start:start + chunk])
            handle.flush()
            time.sleep(0.25)




def by_name(run) -> dict[str, dict]:
    return {item["filename"]: item for item in run["items"]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_file_ends_with_its_outcome(hostile_run, name: str) -> None:
    outcome, word = EXPECTED[name]
    item = by_name(hostile_run)[name]
    assert item["status"] == outcome, (name, item["quarantine_reason"], item["events"])
    assert item["reg"]
    if outcome == "quarantined":
        reason = item["quarantine_reason"]
        assert reason and len(reason) > 15, reason
        assert word.lower() in reason.lower(), reason
        note = hostile_run["data"] / "quarantine" / f"{item['reg']}_{name}.txt"
        text = note.read_text(encoding="utf-8")
        assert reason in text and "Que faire" in text and "What to do" in text
        assert (hostile_run["data"] / "quarantine" / f"{item['reg']}_{name}").is_file()
    else:
        assert word in (item["service"] or "")


def test_the_pipeline_stayed_up_and_took_bounded_time(hostile_run) -> None:
    assert all(hostile_run["alive"])
    assert hostile_run["running"].process.poll() is None
    assert hostile_run["seconds"] < 420


def test_a_name_chosen_by_a_sender_never_becomes_a_path(hostile_run) -> None:
    root = hostile_run["root"]
    assert not list(root.rglob("passwd.pdf"))
    assert not (root / "etc").exists()
    item = by_name(hostile_run)["piece-jointe-piegee.eml"]
    assert item["pages"] == 2  # the body and the attached letter were both read


def test_a_file_written_slowly_is_taken_once_and_whole(hostile_run) -> None:
    [item] = [i for i in hostile_run["items"] if i["filename"] == "lent.png"]
    assert item["status"] == "routed"
    import hashlib

    assert item["sha256"] == hashlib.sha256(hostile_run["slow"]).hexdigest()


def test_the_same_letter_twice_makes_one_entry_and_a_duplicate(hostile_run) -> None:
    items = by_name(hostile_run)
    pair = [items["scan du 3 mars.pdf"], items["scan du 3 mars (copie).pdf"]]
    assert sorted(i["status"] for i in pair) == ["duplicate", "routed"]
    original = next(i for i in pair if i["status"] == "routed")
    duplicate = next(i for i in pair if i["status"] == "duplicate")
    assert duplicate["duplicate_of"] == original["reg"] and duplicate["reg"] is None
    assert [e["stage"] for e in duplicate["events"]] == ["duplicate"]


def test_the_register_is_consistent_and_the_inbox_empty(hostile_run) -> None:
    result = courrier("verify", "--config", str(hostile_run["config"]), "--data",
                      str(hostile_run["data"]))
    assert "consistent:" in result.stdout
    assert not any(p.is_file() for p in (hostile_run["data"] / "inbox").rglob("*"))


def test_a_released_letter_goes_through_once_fixed(hostile_run) -> None:
    item = by_name(hostile_run)["protege.pdf"]
    fixed = hostile_run["root"] / "sans-mot-de-passe.pdf"
    fixed.write_bytes(letter_pdf())
    courrier("release", item["reg"], str(fixed), "--reason", "password removed", "--config",
             str(hostile_run["config"]), "--data", str(hostile_run["data"]))

    def routed() -> dict | None:
        again = {i["reg"]: i for i in export_items(hostile_run["config"], hostile_run["data"])}
        return again[item["reg"]] if again[item["reg"]]["status"] == "routed" else None

    released = wait_until(routed, 60, "the released letter to be routed")
    assert released["service"] == "etat-civil"
    assert released["filename"] == "sans-mot-de-passe.pdf"
    stages = [e["stage"] for e in released["events"]]
    assert stages == ["received", "quarantined", "released", "extracted", "routed"]
    assert not (hostile_run["data"] / "quarantine" / f"{item['reg']}_protege.pdf").exists()
