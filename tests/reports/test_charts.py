"""The server-side SVG charts."""

import xml.etree.ElementTree as ET

from recruit.reports.charts import bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_well_formed_svg_with_escaped_labels_and_bureau_numbers():
    svg = bar_chart([("<陶瓷&>", 191_700), ("醴陵市", 2307)], "提供岗位", unit="个次")

    root = ET.fromstring(str(svg))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "提供岗位"
    assert "<陶瓷&>" in texts
    assert "19.17万个次" in texts and "2307个次" in texts
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")][1:]
    assert widths[0] > widths[1] > 0


def test_linked_bars_keep_the_chart_navigable():
    svg = column_chart(
        [("1月", 3), ("2月", 0)], "招聘会", links=["/reports/rows/fairs?a=1&b=2", None]
    )

    root = ET.fromstring(str(svg))
    links = list(root.iter(f"{SVG}a"))
    assert root.get("role") == "group"
    assert [a.get("href") for a in links] == ["/reports/rows/fairs?a=1&b=2"]


def test_an_empty_chart_says_so():
    root = ET.fromstring(str(bar_chart([], "各县市区")))
    assert "无数据" in [t.text for t in root.iter(f"{SVG}text")]
