"""Tokenizer (training/tokenizer.py): rules, errors, and the shared fixture
tests/fixtures/tokenizer/ (the TS twin reads the same files in tests/core/tokenizer.test.ts)."""
import json
import os
import unittest

from training.make_fixtures import FIX, tokenizer_cases
from training.tokenizer import BOS_ID, EOS_ID, PAD_ID, UNK_ID, Tokenizer, build_tokenizer, load_tokenizer, normalize_words


class TokenizerTest(unittest.TestCase):
    def test_normaliser_is_ascii_lower_alnum(self):
        self.assertEqual(normalize_words("Put the RED-cube, in   bowl #2!"), ["put", "the", "red", "cube", "in", "bowl", "2"])
        self.assertEqual(normalize_words("Ünïcode"), ["n", "code"])

    def test_encode_pads_and_marks_unknown_words(self):
        tok = build_tokenizer(["pick up the cube"], max_length=8)
        ids, mask = tok.encode("pick up the ball")
        v = tok.vocab
        self.assertEqual(ids, [BOS_ID, v.index("pick"), v.index("up"), v.index("the"), UNK_ID, EOS_ID, PAD_ID, PAD_ID])
        self.assertEqual(mask, [1, 1, 1, 1, 1, 1, 0, 0])

    def test_errors_name_length_and_limit(self):
        tok = build_tokenizer(["a b"], max_length=8)
        with self.assertRaisesRegex(ValueError, "empty"):
            tok.encode("  \t ")
        with self.assertRaisesRegex(ValueError, r"instruction has 9 tokens .*maxLength = 8"):
            tok.encode("a b c d e f g")
        with self.assertRaisesRegex(ValueError, "maxLength = 4"):
            build_tokenizer(["one two three"], max_length=4)
        with self.assertRaisesRegex(ValueError, "x.json: vocab must start with"):
            Tokenizer({**tok.to_json(), "vocab": ["[UNK]", "[PAD]", "[BOS]", "[EOS]"]}, "x.json")

    def test_builder_accepts_a_generator(self):
        tok = build_tokenizer((t for t in ["b a", "c"]), max_length=5)
        self.assertEqual(tok.vocab[4:], ["a", "b", "c"])


class SharedFixtureTest(unittest.TestCase):
    def test_fixture_files_match_the_python_tokenizer(self):
        spec, cases = tokenizer_cases()
        with open(os.path.join(FIX, "tokenizer", "cases.json")) as f:
            self.assertEqual(json.load(f), json.loads(json.dumps(cases)), "re-run: python3 -m training.make_fixtures")
        tok = load_tokenizer(os.path.join(FIX, "tokenizer", "tokenizer.json"))
        self.assertEqual(tok.to_json(), spec)
        for c in cases["cases"]:
            self.assertEqual(tok.encode(c["text"]), (c["ids"], c["attentionMask"]))


if __name__ == "__main__":
    unittest.main()
