"""Entity matching of incoming supplier names against the registry and the known external firms (reference §3.3,
§3.6): the credit code when given matches exactly; otherwise a Chinese-aware similarity of the cleaned name (and
the address when both sides have one). Auto-link at ≥ 0.8, a person confirms or rejects 0.5–0.8, below that the
name is a new external firm.

Cleaning works on the Han characters themselves (no transliteration): full-width folding (NFKC), brackets and
punctuation removed, administrative prefixes (浙江省, 杭州市, 萧山区 …) and legal-form suffixes (有限公司, 股份有限
公司, 分公司 …) stripped. Names are compared by character-bigram Dice and the longest-common-subsequence ratio;
addresses carry a numeric guard (号/栋/室 numbers must agree, as in Open Supply Hub's duplicate check)."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from difflib import SequenceMatcher

AUTO = 0.8
REVIEW = 0.5

_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "分公司", "总公司", "公司", "集团", "厂", "股份",
             "co ltd", "co.,ltd", "coltd", "limited", "ltd", "inc", "corp", "gmbh")
_PREFIX_RE = re.compile(r"^(中国|浙江省|浙江|江苏省|江苏|安徽省|安徽|广东省|广东|上海市|上海|"
                        r"[\u4e00-\u9fff]{2,3}[省市])")
_DISTRICT_RE = re.compile(r"^[\u4e00-\u9fff]{2}(区|县)(?=[\u4e00-\u9fff]{2})")
_PUNCT_RE = re.compile(r"[\s\-_'\",，。·.、/:：;；]+")
_BRACKET_RE = re.compile(r"[（(][^）)]*[）)]")


def clean_name(name: str) -> str:
    s = unicodedata.normalize("NFKC", name or "").lower().strip()
    s = _BRACKET_RE.sub("", s)
    s = _PUNCT_RE.sub("", s)
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            key = suffix.replace(" ", "")
            if s.endswith(key) and len(s) > len(key) + 1:
                s = s[: -len(key)]
                changed = True
        m = _PREFIX_RE.match(s)
        if m and len(s) - len(m.group(0)) >= 2:
            s = s[len(m.group(0)):]
            changed = True
    m = _DISTRICT_RE.match(s)
    if m:
        s = s[len(m.group(0)):]
    return s


def clean_address(address: str) -> str:
    s = unicodedata.normalize("NFKC", address or "").lower()
    return _PUNCT_RE.sub("", s)


def _bigrams(s: str) -> set[str]:
    return {s[i:i + 2] for i in range(len(s) - 1)} if len(s) > 1 else {s}


def _text_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ga, gb = _bigrams(a), _bigrams(b)
    dice = 2 * len(ga & gb) / (len(ga) + len(gb))
    return (dice + SequenceMatcher(None, a, b).ratio()) / 2


def _numbers(s: str) -> list[str]:
    return re.findall(r"\d+", s)


def similarity(name_a: str, name_b: str, address_a: str = "", address_b: str = "") -> float:
    """Similarity in [0, 1] of two firms from cleaned names (weight 0.75) and, when both are known, cleaned
    addresses (0.25; different house numbers count as different addresses)."""
    name = _text_similarity(clean_name(name_a), clean_name(name_b))
    ca, cb = clean_address(address_a), clean_address(address_b)
    if not ca or not cb:
        return round(name, 4)
    addr = 0.0 if _numbers(ca) and _numbers(cb) and _numbers(ca) != _numbers(cb) else _text_similarity(ca, cb)
    return round(0.75 * name + 0.25 * addr, 4)


class Index:
    """Candidates by shared bigram of the cleaned name, so that a name is compared with a few firms, not all."""

    def __init__(self, firms: Iterable[tuple[object, str, str]]):
        self.firms: dict[object, tuple[str, str]] = {}
        self.by_gram: dict[str, list[object]] = defaultdict(list)
        for key, name, address in firms:
            self.add(key, name, address)

    def add(self, key, name: str, address: str = "") -> None:
        self.firms[key] = (name, address)
        for g in _bigrams(clean_name(name)):
            self.by_gram[g].append(key)

    def best(self, name: str, address: str = "", limit: int = 200) -> tuple[object, float] | None:
        grams = _bigrams(clean_name(name))
        counts: dict[object, int] = defaultdict(int)
        for g in grams:
            bucket = self.by_gram.get(g, ())
            if len(bucket) > 5000:  # a bigram shared by thousands of names (科技, 电子) tells nothing
                continue
            for key in bucket:
                counts[key] += 1
        shortlist = sorted(counts, key=lambda k: -counts[k])[:limit]
        best = None
        for key in shortlist:
            n, a = self.firms[key]
            score = similarity(name, n, address, a)
            if best is None or score > best[1]:
                best = (key, score)
        return best
