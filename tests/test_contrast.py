"""Controls people read: the colours the product sets itself reach WCAG's 4.5:1 on white."""

import re
from pathlib import Path

from django.conf import settings

CSS = Path(settings.BASE_DIR, "static/css/childcop.css").read_text()


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_mark_as_helpful_reads_at_4_5_to_1():
    rule = re.search(r"\.btn-outline-helpful \{([^}]*)\}", CSS).group(1)
    colour = re.search(r"--bs-btn-color: (#[0-9a-fA-F]{6})", rule).group(1)
    hover = re.search(r"--bs-btn-hover-bg: (#[0-9a-fA-F]{6})", rule).group(1)
    assert contrast(colour, "#ffffff") >= 4.5
    assert contrast("#ffffff", hover) >= 4.5
    assert contrast("#0dcaf0", "#ffffff") < 4.5  # Bootstrap's own info, which it replaces
    template = Path(settings.BASE_DIR, "templates/communities/help_detail.html").read_text()
    assert "btn-outline-helpful" in template and "btn-outline-info" not in template
