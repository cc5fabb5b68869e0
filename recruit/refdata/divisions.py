"""GB/T 2260 address codes an identity card number may start with.

An ID number's first six digits are the address code of where it was first issued: the first
two name a province-level division. Only provinces are listed nationally (county codes change
every year and old numbers keep the codes of their day); within Zhuzhou the shipped region list
(`codes.REGIONS`, abolished codes included) is the whole set of county codes.
"""

from recruit.refdata.codes import REGIONS

#: Province-level divisions (GB/T 2260), plus 71 台湾 and the 81/82/83 prefixes that the
#: residence permits for Hong Kong, Macao and Taiwan residents use (GB/T 2260 lists 81 and 82;
#: 830000 is the code the Ministry of Public Security assigned to Taiwan residents' permits).
PROVINCES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
    "83": "台湾居民居住证",
}

#: The prefecture whose county-level codes are all shipped (株洲市, 4302xx).
CITY_PREFIX = "4302"
#: Every county-level code of that prefecture, current and abolished, plus 430201 (市辖区), the
#: code older GB/T 2260 editions gave the city proper and numbers issued then still carry.
CITY_COUNTIES: frozenset[str] = frozenset(
    code for code, _name, parent, *_rest in REGIONS if parent and parent.startswith(CITY_PREFIX)
) | {CITY_PREFIX + "01"}


def is_known_address_code(code: str) -> bool:
    """Return whether six digits may begin an ID number: a known province, and within the
    shipped prefecture a known county."""
    if len(code) != 6 or code[:2] not in PROVINCES:
        return False
    if code.startswith(CITY_PREFIX):
        return code in CITY_COUNTIES
    return True
