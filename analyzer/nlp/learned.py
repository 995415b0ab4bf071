"""Small trained sentence models: hashed n-grams plus rule signals, scored linearly.

Each tagger that makes a sentence-level judgement (is this seller sentence a
question about the buyer? is this buyer sentence an invitation to pitch?
does this seller sentence, with the next, trade a condition for a buying
commitment?) first finds its candidate sentences by a cheap test, describes
each one as a list of feature strings (word n-grams of the sentence and its
context, and the rule signals of ``patterns/``), and asks a
:class:`SentenceModel` whether to keep it.

A model is a logistic regression fitted over hashed features, stored as the
weight of each feature string it saw in a NumPy ``.npz`` file with a JSON
card: loading runs no code (``allow_pickle=False``) and needs no network,
and scoring needs no scikit-learn.
"""
from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

#: Bumped whenever the feature strings change: a model trained on other
#: features is refused instead of silently scoring nonsense.
FEATURE_VERSION = 8
#: Size of the hashed feature space.
N_FEATURES = 2**18
#: Where the shipped models live (installed as ``analyzer.models``).
MODELS_DIR = Path(__file__).resolve().parents[2] / "models" / "taggers"

#: A feature string must be in at least this many training rows to get a
#: weight: most word n-grams are seen once, and a weight learned from one
#: sentence fits that sentence only (it also keeps the models small).
MIN_COUNT = 2

_DIGITS = re.compile(r"\d")

#: The context features (``A:`` how a sentence stands in its turn and who
#: speaks next; ``E:`` what it takes up from the turn before) and the value
#: each takes where that context does not exist (plain text, the first or
#: last turn of a call).
CONTEXT_PREFIXES = ("A:", "E:")
UNKNOWN = "unknown"


def _hasher():
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=N_FEATURES, input_type="string", alternate_sign=False)


def default_models_dir() -> Path:
    """The folder of the shipped tagger models (inside the installed package)."""
    try:
        from importlib.resources import files

        return Path(str(files("analyzer.models"))) / "taggers"
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - source checkout without install
        return MODELS_DIR


def ngrams(words: Sequence[str], prefix: str, n: int = 3, limit: int = 40) -> list[str]:
    """Word 1- to ``n``-grams of ``words`` (digits folded, at most ``limit`` words),
    with sentence-boundary markers, each prefixed with ``prefix``."""
    seq = ["<s>", *[w if w.isalpha() else _DIGITS.sub("0", w) for w in words[:limit]], "</s>"]
    out = [prefix + w for w in seq[1:-1]]
    # Pairs and triples from zipped neighbours (no slice or join per n-gram).
    if n >= 2:
        out += [f"{prefix}{a} {b}" for a, b in zip(seq, seq[1:])]
    if n >= 3:
        out += [f"{prefix}{a} {b} {c}" for a, b, c in zip(seq, seq[1:], seq[2:])]
    for k in range(4, n + 1):
        out.extend(f"{prefix}{' '.join(seq[i : i + k])}" for i in range(len(seq) - k + 1))
    return out


#: Who a sentence speaks of: the guide's tags are defined by it (a question
#: about the buyer, an invitation to talk about the seller).
PERSONS = {
    "you": frozenset("you your yours yourself yourselves y'all ya yall u".split()),
    "we": frozenset("we our ours us ourselves".split()),
    "i": frozenset("i my me mine myself".split()),
    "they": frozenset("they their them he she his her".split()),
}


#: The person of each word of :data:`PERSONS`.
_PERSON_OF = {w: person for person, forms in PERSONS.items() for w in forms}


def person_features(words: Sequence[str]) -> list[str]:
    """Which persons a sentence names (``P:you``, ``P:we``, ...) and which it names first."""
    named = [p for p in map(_PERSON_OF.get, words) if p is not None]
    if not named:
        return ["P:none"]
    return sorted({f"P:{p}" for p in named}) + [f"P:first={named[0]}"]


class SentenceModel:
    """A fitted linear model over feature strings.

    name (str): the tagger it serves (``buyer_question``, ...).
    weights (dict[str, float] | Callable[[], dict[str, float]]): the weight
        of every feature string the model learned (features it never saw
        weigh nothing), or a function that reads them: then they are read
        the first time they are needed, so a model no call asks (the
        segmenter's, on punctuated calls) costs nothing to load.
    intercept (float): the bias.
    threshold (float): the probability at or above which a candidate is kept.
    card (dict): what it was trained on and how it measured.

    Scoring needs no scikit-learn: training hashes the features to fit, then
    keeps the weight of each feature string it saw. At analysis time the
    weights are held as a :class:`WeightTable` (two arrays, 24 bytes a
    feature, where a dictionary of strings takes about 140), built on first
    use; :attr:`weights`, the dictionary, is made only when asked for
    (training, saving, comparing).
    """

    __slots__ = ("name", "_store", "intercept", "threshold", "card")

    def __init__(
        self,
        name: str,
        weights: "dict[str, float] | Callable[[], dict[str, float]] | _WeightStore",
        intercept: float,
        threshold: float = 0.5,
        card: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self._store = weights if isinstance(weights, _WeightStore) else _WeightStore(weights)
        self.intercept = intercept
        self.threshold = threshold
        self.card = dict(card or {})

    @property
    def weights(self) -> dict[str, float]:
        """The weight of every feature string the model learned (read on first use)."""
        return self._store.weights()

    @property
    def table(self) -> "WeightTable":
        """The weights as scoring reads them (built on first use; a model read
        from a file then never holds its feature strings)."""
        return self._store.table()

    def with_threshold(self, threshold: float) -> "SentenceModel":
        """The same model (sharing its weights and their table) with another cut."""
        return SentenceModel(self.name, self._store, self.intercept, threshold, self.card)

    def __getstate__(self) -> dict[str, Any]:
        # The table's keys are this process's string hashes: another process
        # rebuilds it from the feature strings.
        return {"name": self.name, "weights": self.weights, "intercept": self.intercept, "threshold": self.threshold, "card": self.card}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["name"], state["weights"], state["intercept"], state["threshold"], state["card"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SentenceModel):
            return NotImplemented
        return (self.name, self.intercept, self.threshold, self.card, self.weights) == (
            other.name, other.intercept, other.threshold, other.card, other.weights,
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        size = self._store.size()
        return f"SentenceModel(name={self.name!r}, weights={size}, intercept={self.intercept!r}, threshold={self.threshold!r})"

    def decision(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Log-odds for each candidate (one list of feature strings per row; presence counts, not repeats)."""
        distinct = list(map(dict.fromkeys, rows))
        features = list(chain.from_iterable(distinct))
        row_of = np.repeat(np.arange(len(rows)), np.fromiter(map(len, distinct), dtype=np.intp, count=len(distinct)))
        # Each row's weights summed in its own order, as a loop over it would.
        sums = np.bincount(row_of, weights=self.table.lookup(features), minlength=len(rows))
        return self.intercept + sums

    def probabilities(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """Probability that each candidate is the tag."""
        return 1.0 / (1.0 + np.exp(-self.decision(rows)))

    def accept(self, rows: Sequence[Sequence[str]]) -> np.ndarray:
        """True for each candidate the model keeps."""
        cut = math.log(self.threshold / (1.0 - self.threshold))
        return self.decision(rows) >= cut

    def save(self, path: str | Path) -> None:
        """Write the weights (``.npz``: the feature strings as UTF-8 bytes, the
        weights as float32) and the card (``.json`` beside it).

        The strings are stored joined by NUL (``features_joined``): smaller
        once compressed than a JSON list, and quicker to read back (about 0.07 s
        less for each of the largest models, of 700,000 strings); a model with a
        string that holds a NUL (no reader lets one into a transcript) stores
        them as a JSON list (``features``), as earlier versions did. Both read.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        names = sorted(self.weights)
        if names and not any("\0" in name for name in names):
            strings = {"features_joined": np.frombuffer("\0".join(names).encode("utf-8"), dtype=np.uint8)}
        else:
            strings = {"features": np.frombuffer(json.dumps(names, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)}
        np.savez_compressed(
            path,
            **strings,
            weights=np.array([self.weights[f] for f in names], dtype=np.float32),
            intercept=np.array([self.intercept]),
            threshold=np.array([self.threshold]),
            feature_version=np.array([FEATURE_VERSION]),
        )
        card = dict(self.card, name=self.name, feature_version=FEATURE_VERSION, threshold=self.threshold, features=len(names))
        path.with_suffix(".json").write_text(json.dumps(card, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> "SentenceModel":
        """Read a model written by :meth:`save` (no pickles, no network).

        The file's version, bias, threshold and weights are read and checked
        now; the feature strings (most of the file) when the model is first
        used.

        RAISES (ConfigError): E320 when the file is missing, unreadable,
            malformed or made for other features (the feature strings'
            checks, on first use).
        """
        from ..errors import ConfigError

        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                version = int(z["feature_version"][0])
                if version != FEATURE_VERSION:
                    raise ConfigError(
                        f"{path}: tagger model made for features version {version}, "
                        f"this analyzer uses {FEATURE_VERSION}; retrain it with `callcoach train-taggers`",
                        code="E320",
                    )
                weights = z["weights"].astype(np.float64)
                intercept = float(z["intercept"][0])
                threshold = float(z["threshold"][0])
                _check_features_header(z, weights.shape)
        except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read this tagger model ({exc})", code="E320") from None
        if weights.ndim != 1 or not np.isfinite(weights).all() or not math.isfinite(intercept) or not 0.0 < threshold < 1.0:
            raise ConfigError(f"{path}: the tagger model's weights are malformed", code="E320")

        stamp = _stamp(path)

        def read_features() -> tuple[list[str], np.ndarray]:
            if _stamp(path) != stamp:
                raise ConfigError(f"{path}: the tagger model changed on disk after it was loaded", code="E320")
            try:
                with np.load(path, allow_pickle=False) as z:
                    names = _read_feature_strings(z)
            except (OSError, KeyError, ValueError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{path}: cannot read this tagger model ({exc})", code="E320") from None
            if names is None or len(names) != weights.shape[0]:
                raise ConfigError(f"{path}: the tagger model's feature strings are malformed", code="E320")
            return names, weights

        card_path = path.with_suffix(".json")
        card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.exists() else {}
        return cls(card.get("name", path.stem), _WeightStore(read_features), intercept, threshold, card)


class _WeightStore:
    """What the models that differ only by their cut share: the weights (a
    dictionary, or a function that reads it, or one that reads the feature
    strings and their weights as a list and an array) and the table built
    from them. Read from a file, the table is built from the list and the
    array, and the dictionary (several times slower to make) only if asked for."""

    __slots__ = ("_weights", "_table")

    def __init__(
        self,
        weights: "dict[str, float] | Callable[[], dict[str, float]] | Callable[[], tuple[list[str], np.ndarray]]",
    ) -> None:
        self._weights = weights
        self._table: WeightTable | None = None

    def _read(self) -> "dict[str, float] | tuple[list[str], np.ndarray]":
        return self._weights if isinstance(self._weights, dict) else self._weights()

    def weights(self) -> dict[str, float]:
        read = self._read()
        if not isinstance(read, dict):
            read = dict(zip(read[0], read[1].tolist()))
        self._weights = read
        return read

    def table(self) -> "WeightTable":
        if self._table is None:
            # Read from the file (when not read yet) for the table alone, not kept.
            read = self._read()
            self._table = WeightTable(read) if isinstance(read, dict) else WeightTable.from_arrays(*read)
        return self._table

    def size(self) -> "int | str":
        if isinstance(self._weights, dict):
            return len(self._weights)
        return len(self._table) if self._table is not None else "not read yet"


class WeightTable:
    """Feature weights held as an open-addressing hash table in two arrays:
    the hash of each feature string (Python's own string hash, so the table
    is good in the process that built it only) in the slot it hashes to or
    the next free one after it, and its weight beside it; at most half the
    slots are taken (24 bytes a feature for weights that float32 holds
    exactly, as a model read from its file has, else 32).

    A lookup of a call's features is a few vectorised passes: each pass reads
    the slot every feature still looked for has reached, and stops those that
    found their hash or an empty slot (a string the model never saw, which
    weighs 0.0). Two strings that share a 64-bit hash would share a weight;
    among a model's few hundred thousand strings and the features of a call,
    the chance of that is below one in ten million.
    """

    __slots__ = ("_keys", "_values", "_size")

    #: The hash no string has (Python hashes nothing to -1): an empty slot.
    EMPTY = -1
    #: Below this many features still looked for, a lookup goes on one by one.
    _FEW = 48

    def __init__(self, weights: dict[str, float]) -> None:
        self._set(weights, np.fromiter(weights.values(), dtype=np.float64, count=len(weights)))

    @classmethod
    def from_arrays(cls, names: Sequence[str], values: np.ndarray) -> "WeightTable":
        """The table of the weights ``values[k]`` of the distinct feature strings ``names[k]``."""
        table = cls.__new__(cls)
        table._set(names, np.asarray(values, dtype=np.float64))
        return table

    def _set(self, names: Iterable[str], values: np.ndarray) -> None:
        hashes = np.fromiter(map(hash, names), dtype=np.int64, count=len(values))
        # Twice as many slots as features, so that a probe mostly ends at once.
        slots = max(8, 2 * len(hashes))
        keys = np.full(slots, self.EMPTY, dtype=np.int64)
        # Weights that float32 holds exactly (a model read from its file) are
        # kept in it: 4 bytes a slot less, and the same sums.
        narrow = values.astype(np.float32)
        exact = bool(np.array_equal(narrow, values))
        weights = np.zeros(slots, dtype=np.float32 if exact else np.float64)
        if exact:
            values = narrow
        at = hashes % slots
        left = np.arange(len(hashes))
        while left.size:
            # Each feature still unplaced tries its slot; where several try one
            # free slot, one of them takes it and the rest move on.
            free = keys[at] == self.EMPTY
            keys[at[free]] = hashes[left[free]]
            placed = free & (keys[at] == hashes[left])
            weights[at[placed]] = values[left[placed]]
            left, at = left[~placed], at[~placed] + 1
            at[at == slots] = 0
        self._keys, self._values, self._size = keys, weights, len(hashes)

    def __len__(self) -> int:
        return self._size

    def lookup(self, features: Sequence[str]) -> np.ndarray:
        """The weight of each feature string, in order (0.0 for those not in the table)."""
        wanted = np.fromiter(map(hash, features), dtype=np.int64, count=len(features))
        out = np.zeros(len(wanted))
        keys, values, slots = self._keys, self._values, len(self._keys)
        at = wanted % slots
        left = np.arange(len(wanted))
        while left.size > self._FEW:
            found = keys[at]
            hit = found == wanted
            out[left[hit]] = values[at[hit]]
            going = ~hit & (found != self.EMPTY)
            left, wanted, at = left[going], wanted[going], at[going] + 1
            at[at == slots] = 0
        for i, slot, want in zip(left.tolist(), at.tolist(), wanted.tolist()):
            while True:
                found = int(keys[slot])
                if found == want:
                    out[i] = values[slot]
                    break
                if found == self.EMPTY:
                    break
                slot = slot + 1 if slot + 1 < slots else 0
        return out


def _check_features_header(z: Any, shape: tuple[int, ...]) -> None:
    """Check the feature strings' array by its header alone (bytes, as :meth:`SentenceModel.save`
    writes them), without reading it. RAISES: KeyError, ValueError."""
    key = _strings_key(z)
    with z.zip.open(f"{key}.npy") as f:
        version = np.lib.format.read_magic(f)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        dims, _, dtype = read(f)
    if dtype != np.uint8 or len(dims) != 1 or len(shape) != 1:
        raise ValueError(f"the feature strings are stored as {dtype} {dims}, not as UTF-8 bytes")


def _strings_key(z: Any) -> str:
    """Which array of a model file holds its feature strings. RAISES: KeyError."""
    for key in ("features_joined", "features"):
        if key in z.files:
            return key
    raise KeyError("features")


def _read_feature_strings(z: Any) -> list[str] | None:
    """The feature strings of a model file (joined by NUL, or a JSON list); None when they are no list of strings."""
    key = _strings_key(z)
    text = z[key].tobytes().decode("utf-8")
    if key == "features_joined":
        return text.split("\0")
    names = json.loads(text)
    return names if isinstance(names, list) and not set(map(type, names)) - {str} else None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def fit_sentence_model(
    name: str,
    rows: Sequence[Sequence[str]],
    y: Sequence[int],
    *,
    C: float = 1.0,
    threshold: float = 0.5,
    card: dict[str, Any] | None = None,
    seed: int = 0,
    min_count: int = MIN_COUNT,
) -> SentenceModel:
    """Fit a logistic regression on hashed feature rows (deterministic).

    name (str): the tag the model serves.
    rows (Sequence[Sequence[str]]): one list of feature strings per candidate.
    y (Sequence[int]): 1 where the candidate is the tag, else 0.
    C (float): inverse regularisation strength.
    threshold (float): probability at or above which a candidate is kept.
    card (dict | None): what to record about the training data.
    seed (int): the solver's random state (the same seed gives the same model).
    min_count (int): a feature string counts only when at least this many
        rows hold it (the rest are dropped before fitting).
    RETURNS (SentenceModel): the fitted model. For each context prefix
        (:data:`CONTEXT_PREFIXES`) its ``unknown`` feature is left out of the
        fit and weighs what that context's features add to the rows that hold
        them: the mean over the tag's rows and the mean over the others,
        averaged (each class counts the same, however rare the tag).
    RAISES (GoldFormatError): E408 when the candidates are all of one class
        (too few gold calls to learn from).
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(y, dtype=int)
    if len(set(y.tolist())) < 2:
        from ..errors import GoldFormatError

        raise GoldFormatError(
            name, "the training candidates hold only one class; more gold calls are needed", code="E408"
        )
    if min_count > 1:  # a feature seen in fewer rows says nothing a new call can use
        counts = Counter(f for row in rows for f in set(row))
        rows = [[f for f in row if counts[f] >= min_count] for row in rows]
    # An unknown context is not fitted: it weighs, after the fit, what the
    # known contexts add on average (so that its absence is no evidence).
    unknown = {f"{p}{UNKNOWN}" for p in CONTEXT_PREFIXES}
    rows = [[f for f in row if f not in unknown] for row in rows]
    hasher = _hasher()
    X = hasher.transform(rows)
    X.data[:] = 1.0
    clf = LogisticRegression(C=C, solver="liblinear", max_iter=1000, random_state=seed)
    clf.fit(X, y)
    coef = clf.coef_.ravel()
    # Keep the weight of every feature string seen in training.
    seen = sorted({f for row in rows for f in row})
    idx = hasher.transform([[f] for f in seen]).indices
    weights = {f: float(coef[i]) for f, i in zip(seen, idx) if abs(coef[i]) > 1e-6}
    for prefix in CONTEXT_PREFIXES:
        adds = [sum(weights.get(f, 0.0) for f in set(row) if f.startswith(prefix)) for row in rows]
        known = np.array([any(f.startswith(prefix) for f in row) for row in rows], dtype=bool)
        # The mean for the tag and the mean for the rest, averaged: the plain
        # mean over all rows would lean towards the commoner class.
        means = [np.mean(np.asarray(adds)[known & (y == c)]) for c in (0, 1) if (known & (y == c)).any()]
        if means:
            weights[f"{prefix}{UNKNOWN}"] = float(np.mean(means))
    return SentenceModel(
        name=name,
        weights=weights,
        intercept=float(clf.intercept_[0]),
        threshold=threshold,
        card=dict(card or {}),
    )


def load_models(where: str | Path | None) -> dict[str, SentenceModel]:
    """Every ``*.npz`` model in a folder, by name; ``"default"`` is the shipped set.

    None or ``"none"`` gives no models (the taggers then use their rules alone).
    RAISES (ConfigError): E320 for a folder given that does not exist or holds
        no model (:func:`model_files`).
    """
    files = model_files(where)
    return dict(_load_files(tuple((os.fspath(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)))


def model_files(where: str | Path | None) -> list[Path]:
    """The ``*.npz`` model files :func:`load_models` reads for ``where``, without
    reading them (an empty list for ``"none"``, or for no shipped models).

    RAISES (ConfigError): E320 for a folder given that does not exist, or that
        holds no model file (a typo would otherwise leave every tagger on its
        phrase rules without a word).
    """
    if where is None or str(where).lower() in ("none", ""):
        return []
    folder = default_models_dir() if str(where) == "default" else Path(where)
    if str(where) == "default":
        return sorted(folder.glob("*.npz")) if folder.is_dir() else []
    from ..errors import ConfigError

    if not folder.is_dir():
        raise ConfigError(f"{folder}: expected a folder of tagger models", code="E320")
    files = sorted(folder.glob("*.npz"))
    if not files:
        raise ConfigError(
            f"{folder}: expected a folder of tagger models (the .npz files `callcoach train-taggers --out` writes), found none",
            code="E320",
        )
    return files


@lru_cache(maxsize=8)
def _load_files(files: tuple[tuple[str, int, int], ...]) -> dict[str, SentenceModel]:
    """The models in ``files`` (path, modification time, size), read once per
    process while the files stay the same: every component of a pipeline, and
    role inference, share one copy of the weights."""
    return {Path(path).stem: SentenceModel.load(path) for path, _, _ in files}
