"""The password rule: long enough, and not guessable by the lists attackers try first.

Strength is zxcvbn's estimate (Dropbox's estimator, the zxcvbn-python port): it knows the common
passwords, words, names, keyboard walks, repeats, sequences and dates attackers try first, so
`P@ssw0rd` and `1qaz2wsx` fail while `correct horse battery staple` passes. No composition
rule (NIST SP 800-63B §5.1.1.2): a long phrase is the easiest strong password to remember.
"""

import math

from flask import current_app
from zxcvbn import matching, scoring, time_estimates

from recruit.errors import Invalid

#: Longest password accepted on every door (the API schemas and forms say the same).
MAX_PASSWORD_LENGTH = 128
#: zxcvbn's scale: 3 = "safely unguessable", about 10^8 guesses, enough behind the throttle
#: and a slow hash; 0–2 fall to an online or a quick offline attack.
MIN_SCORE = 3
#: zxcvbn's work grows steeply with length (1.5 s for 128 random characters), and anyone may
#: register: only the first 64 characters are scored (at most about 55 ms here, less than one
#: scrypt hash). A password whose first 64 are guessable is refused whatever follows.
SCORED_LENGTH = 64
#: Words of this installation that an attacker of it tries first, besides the user's own.
HOUSE_WORDS = (
    "zhuzhou",
    "liling",
    "hunan",
    "recruit",
    "zhaopin",
    "zhaopinhui",
    "renshe",
    "rensheju",
    "jiuye",
    "rlzy",
    "hrss",
)

#: zxcvbn tries every l33t reading of a password ("@" as a, "1" as i or l …); their number
#: multiplies with each distinct symbol, and a crafted password with twenty of them takes
#: seconds (zxcvbn-python issue 70). Past this many readings the l33t matcher, and the repeat
#: matcher that runs every matcher again on the repeated part, are skipped: a password that
#: full of symbols is no dictionary word in disguise.
MAX_L33T_READINGS = 16
#: zxcvbn's own matchers (zxcvbn.matching.omnimatch runs the same list); the last two are
#: the ones whose work the symbols multiply.
_MATCHERS = (
    matching.dictionary_match,
    matching.reverse_dictionary_match,
    matching.spatial_match,
    matching.sequence_match,
    matching.regex_match,
    matching.date_match,
)
_SYMBOL_BOUND_MATCHERS = (matching.l33t_match, matching.repeat_match)

#: Why a password is guessable, by the kind of pattern zxcvbn found in it.
_REASONS = {
    "passwords": "这是常见密码或常见密码的简单变形",
    "user_inputs": "含有用户名、单位名称或本系统、本市的名称",
    "english_wikipedia": "只是常见的英文单词",
    "us_tv_and_film": "只是常见的英文单词",
    "surnames": "含有常见的姓名",
    "male_names": "含有常见的姓名",
    "female_names": "含有常见的姓名",
    "spatial": "是键盘上相邻按键的组合",
    "repeat": "有重复的字符或片段",
    "sequence": "是连续的字母或数字",
    "regex": "含有年份",
    "date": "含有日期",
}
_SHORT_AND_PLAIN = "太短或太简单"


def _reason(result: dict) -> str:
    """Name, in Chinese, the most guessable part zxcvbn found (its longest pattern)."""
    matches = [m for m in result["sequence"] if m["pattern"] != "bruteforce"]
    if not matches:
        return _SHORT_AND_PLAIN
    longest = max(matches, key=lambda m: len(m["token"]))
    kind = longest.get("dictionary_name") if longest["pattern"] == "dictionary" else None
    return _REASONS.get(kind or longest["pattern"], _SHORT_AND_PLAIN)


def _l33t_readings(text: str) -> int:
    """Return how many l33t readings zxcvbn would try for the text (an upper bound)."""
    return math.prod(
        len(subs) for subs in matching.relevant_l33t_subtable(text, matching.L33T_TABLE).values()
    )


def password_strength(password: str, user_inputs: tuple[str | None, ...] = ()) -> dict:
    """Return zxcvbn's estimate of the password's first SCORED_LENGTH characters.

    This is zxcvbn.zxcvbn() with the work bounded (see MAX_L33T_READINGS), and with the user's
    words in a dictionary of this call's own rather than zxcvbn's module-wide one, which two
    threads would share.
    """
    text = password[:SCORED_LENGTH]
    words = [w.lower() for w in (*user_inputs, *HOUSE_WORDS) if w]
    dictionaries = {
        **matching.RANKED_DICTIONARIES,
        "user_inputs": matching.build_ranked_dict(words),
    }
    matchers = list(_MATCHERS)
    if _l33t_readings(text) <= MAX_L33T_READINGS:
        matchers.extend(_SYMBOL_BOUND_MATCHERS)
    found = [m for matcher in matchers for m in matcher(text, _ranked_dictionaries=dictionaries)]
    result = scoring.most_guessable_match_sequence(
        text, sorted(found, key=lambda m: (m["i"], m["j"]))
    )
    result["score"] = time_estimates.guesses_to_score(result["guesses"])
    return result


def check_password_policy(
    password: str, field: str = "password", *, user_inputs: tuple[str | None, ...] = ()
) -> None:
    """Raise Invalid (on `field`) unless the password is long enough and hard to guess.

    `user_inputs` are the account's own words (username, names) a password must not lean on.
    The message names why a refused password is guessable, and what works instead.
    """
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if not password or len(password) < minimum:
        raise Invalid(f"密码：至少 {minimum} 位。", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(f"密码：不能超过 {MAX_PASSWORD_LENGTH} 位。", field=field)
    result = password_strength(password, user_inputs)
    if result["score"] < MIN_SCORE:
        raise Invalid(
            f"密码：太容易被猜到（{_reason(result)}）。"
            "请换一个更长、不常见的密码，例如几个不相干的词连在一起；不必非加符号或大写字母。",
            field=field,
        )
