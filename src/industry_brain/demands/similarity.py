"""Chinese word segmentation (jieba) and TF-IDF cosine similarity, without scikit-learn.

Each demand's segmented text is stored when it is raised (`Demand.terms`), so comparing a new demand with
the recent ones costs one segmentation and a few hundred sparse dot products.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence

import jieba

jieba.setLogLevel(logging.WARNING)

# Words that every demand uses and that say nothing about the problem.
STOPWORDS = frozenset("""
的 了 和 与 及 或 在 是 有 为 对 将 把 被 就 也 都 而 并 等 请 要 能 已 从 向 因 由 于 让 给 我 我们 贵 本
公司 企业 我司 单位 需要 希望 请求 申请 问题 情况 目前 现在 由于 因为 所以 进行 相关 方面 一个 一些 有关
帮助 帮忙 协调 解决 尽快 能否 是否 如何 可以 相关部门 政府 部门
""".split())

_TOKEN = re.compile(r"^[\w\u4e00-\u9fff]+$")


def segment(text: str) -> list[str]:
    """Meaningful words of `text`: jieba's precise mode, without stop words, punctuation and single
    characters (except letters/digit tokens such as model numbers)."""
    words = []
    for w in jieba.lcut(text or ""):
        w = w.strip().lower()
        if not w or w in STOPWORDS or not _TOKEN.match(w):
            continue
        if len(w) < 2:
            continue
        words.append(w)
    return words


def terms_text(title: str, description: str) -> str:
    return " ".join(segment(f"{title}\n{description}"))


def _vector(tokens: Sequence[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(tokens)
    total = sum(counts.values()) or 1
    vec = {t: (c / total) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def similarities(query: Sequence[str], documents: Sequence[Sequence[str]]) -> list[float]:
    """Cosine similarity of the TF-IDF vector of `query` with each document's, the IDF being computed over
    the documents plus the query (smoothed: ln((1+N)/(1+df)) + 1)."""
    if not query or not documents:
        return [0.0] * len(documents)
    n = len(documents) + 1
    df: Counter[str] = Counter(set(query))
    for doc in documents:
        df.update(set(doc))
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    q = _vector(query, idf)
    out = []
    for doc in documents:
        if not doc:
            out.append(0.0)
            continue
        d = _vector(doc, idf)
        small, large = (q, d) if len(q) <= len(d) else (d, q)
        out.append(sum(v * large.get(t, 0.0) for t, v in small.items()))
    return out
