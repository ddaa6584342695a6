"""Word-level instruction tokenizer (Python twin of src/core/tokenizer.ts; both read the same
tokenizer.json and are checked against tests/fixtures/tokenizer/cases.json).

File format (formatVersion 1):
  {"format": "vla-word-tokenizer", "formatVersion": 1, "normalizer": "ascii-lower-alnum-v1",
   "maxLength": 16, "addBosEos": true, "vocab": ["[PAD]", "[UNK]", "[BOS]", "[EOS]", "a", ...]}
Normaliser "ascii-lower-alnum-v1": A-Z -> a-z; every character that is not a-z or 0-9 (ASCII)
becomes a space; split on spaces, dropping empty pieces. ("Put the RED-cube!" -> put the red cube)
Encoding: [BOS] w1 .. wn [EOS] then [PAD] up to maxLength; unknown words -> [UNK];
attention mask 1 on real tokens (BOS/EOS included), 0 on padding.
Invariants: [PAD] = 0, [UNK] = 1, [BOS] = 2, [EOS] = 3; vocab entries are unique.
"""
import json
from typing import Dict, Iterable, List, Tuple

FORMAT = "vla-word-tokenizer"
NORMALIZER = "ascii-lower-alnum-v1"
SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]
PAD_ID, UNK_ID, BOS_ID, EOS_ID = 0, 1, 2, 3


def normalize_words(text: str) -> List[str]:
    chars = []
    for ch in text:
        if "A" <= ch <= "Z":
            chars.append(chr(ord(ch) + 32))
        elif "a" <= ch <= "z" or "0" <= ch <= "9":
            chars.append(ch)
        else:
            chars.append(" ")
    return [w for w in "".join(chars).split(" ") if w]


class Tokenizer:
    def __init__(self, spec: Dict, file_name: str = "tokenizer.json"):
        def fail(msg):
            raise ValueError(f"{file_name}: {msg}")

        if not isinstance(spec, dict):
            fail(f"must be a JSON object, got {type(spec).__name__}")
        if spec.get("format") != FORMAT:
            fail(f'format must be "{FORMAT}", got {spec.get("format")!r}')
        if spec.get("formatVersion") != 1:
            fail(f"formatVersion must be 1, got {spec.get('formatVersion')!r}")
        if spec.get("normalizer") != NORMALIZER:
            fail(f'normalizer must be "{NORMALIZER}", got {spec.get("normalizer")!r}')
        max_len = spec.get("maxLength")
        if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 3:
            fail(f"maxLength must be an integer >= 3, got {max_len!r}")
        if not isinstance(spec.get("addBosEos"), bool):
            fail(f"addBosEos must be a boolean, got {spec.get('addBosEos')!r}")
        vocab = spec.get("vocab")
        if not isinstance(vocab, list) or not all(isinstance(w, str) for w in vocab):
            fail("vocab must be a list of strings")
        if vocab[:4] != SPECIAL_TOKENS:
            fail(f"vocab must start with {SPECIAL_TOKENS}, got {vocab[:4]}")
        if len(set(vocab)) != len(vocab):
            fail("vocab entries must be unique")
        self.max_length = max_len
        self.add_bos_eos = spec["addBosEos"]
        self.vocab = list(vocab)
        self.ids = {w: i for i, w in enumerate(vocab)}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> Tuple[List[int], List[int]]:
        """-> (ids, attention_mask), both of length maxLength."""
        words = normalize_words(text)
        if not words:
            raise ValueError(f"instruction is empty after normalisation: {text!r}")
        ids = [self.ids.get(w, UNK_ID) for w in words]
        if self.add_bos_eos:
            ids = [BOS_ID] + ids + [EOS_ID]
        if len(ids) > self.max_length:
            raise ValueError(
                f"instruction has {len(ids)} tokens (special tokens included), "
                f"longer than the limit maxLength = {self.max_length}: {text!r}")
        n = len(ids)
        pad = self.max_length - n
        return ids + [PAD_ID] * pad, [1] * n + [0] * pad

    def to_json(self) -> Dict:
        return {"format": FORMAT, "formatVersion": 1, "normalizer": NORMALIZER,
                "maxLength": self.max_length, "addBosEos": self.add_bos_eos, "vocab": self.vocab}


def build_tokenizer(instructions: Iterable[str], max_length: int = 32, min_count: int = 1,
                    add_bos_eos: bool = True) -> Tokenizer:
    """Vocab from training instructions: specials, then words with count >= min_count in
    sorted (code point) order, so the same instructions always give the same ids."""
    instructions = list(instructions)
    counts: Dict[str, int] = {}
    for text in instructions:
        for w in normalize_words(text):
            counts[w] = counts.get(w, 0) + 1
    words = sorted(w for w, c in counts.items() if c >= min_count)
    tok = Tokenizer({"format": FORMAT, "formatVersion": 1, "normalizer": NORMALIZER,
                     "maxLength": max_length, "addBosEos": add_bos_eos,
                     "vocab": SPECIAL_TOKENS + words})
    for text in instructions:
        tok.encode(text)  # every training instruction must fit: fail at build time, not at run time
    return tok


def load_tokenizer(path: str) -> Tokenizer:
    with open(path, "r", encoding="utf-8") as f:
        return Tokenizer(json.load(f), path)
