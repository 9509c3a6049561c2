"""The label sheet on its own: pages as needed, every label whole, long names cut to fit."""
import pypdfium2
import pytest
import zxingcpp

from marketplace.inventory.labels import MAX_LABELS, PER_PAGE, Label, label_sheet

LABEL = Label(product="Mật ong rừng Hữu Lũng " * 6, cooperative="HTX Quảng Hồng", lot="Mã lô: HM7K3M9P",
              dates=("Thu hoạch: 12/11/2026", "Dùng tốt nhất trước: 12/11/2027"),
              url="https://cho.example/trace/HM7K3M9P")


def qr_codes_per_page(pdf: bytes) -> list[int]:
    return [len(zxingcpp.read_barcodes(page.render(scale=2).to_pil())) for page in pypdfium2.PdfDocument(pdf)]


def test_labels_fill_as_many_pages_as_needed():
    assert qr_codes_per_page(label_sheet(LABEL, PER_PAGE + 1)) == [PER_PAGE, 1]


def test_a_long_product_name_is_cut_with_an_ellipsis_on_its_second_line():
    document = pypdfium2.PdfDocument(label_sheet(LABEL, 1))
    lines = document[0].get_textpage().get_text_range().splitlines()
    assert lines[0].startswith("Mật ong rừng Hữu Lũng") and lines[1].endswith("…")
    assert lines[2:] == ["HTX Quảng Hồng", "Mã lô: HM7K3M9P", *LABEL.dates]


@pytest.mark.parametrize("count", [0, MAX_LABELS + 1])
def test_a_sheet_has_from_one_to_the_maximum_of_labels(count):
    with pytest.raises(ValueError):
        label_sheet(LABEL, count)
