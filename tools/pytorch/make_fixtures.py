#!/usr/bin/python3
"""Regenerate the committed Python<->C# parity fixtures under tests/fixtures/.

    /usr/bin/python3 tools/pytorch/make_fixtures.py            # rewrite tests/fixtures/
    /usr/bin/python3 tools/pytorch/make_fixtures.py --check    # regenerate into a temp dir and
                                                               # compare with the committed files
    /usr/bin/python3 tools/pytorch/make_fixtures.py --out DIR  # write somewhere else

Deterministic (fixed seeds, 1 thread). Writes:
  tokenizer_cases.json           [{"name","text","tokens"}]  basic_english (Python port) on ~170 inputs
  unicode_tables.json            Python's exact str.lower table, whitespace set (re \\s, str.split) and
                                 final-sigma context sets, for porting/testing the C# tokenizer
  vocab_cases.json               [{"name","texts","min_freq","max_tokens","specials","itos"}]
                                 build_vocab_from_iterator semantics incl. ties in code-point order
  ngram_cases.json               [{"name","tokens","ngrams","terms"}]  ngrams_iterator (Python port) on token
                                 lists: fewer tokens than n, n = 1..4, repeats, Unicode, tokenized texts
  parity/train.jsonl, parity/test.jsonl   the small 3-class training set (generated from word lists)
  parity/bundle/                 trained by train.py's train() (embed_dim 32, min_freq 2), .pth
  parity/bundle_safetensors/     same weights, model.safetensors
  parity/bundle_torchscript/     same model, torch.jit.script -> model.pt (architecture "torchscript")
  parity/expected.json           [{"text","tokens","ids","logits","label","probabilities"}] ~200 texts,
                                 computed by PyTorch from each of the three bundles (asserted identical)
  parity/bundle_bigram/          trained on the same data with ngrams 2 (vocab of unigrams + bigrams), .pth
  parity/expected_bigram.json    [{"text","tokens","terms","ids","logits","label","probabilities"}] the same texts
All JSON is ASCII-only (non-ASCII characters are \\u-escaped, astral ones as surrogate pairs).
"""
import argparse
import json
import os
import random
import shutil
import sys
import tempfile
from collections import OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import torch  # noqa: E402

import textclf  # noqa: E402
import train as trainer  # noqa: E402

SEED = 20240607
HYPER = OrderedDict([("optimizer", "sgd"), ("lr", 5.0), ("momentum", 0.0), ("clip_grad_norm", 0.0),
                     ("batch_size", 16), ("epochs", 6), ("embed_dim", 32), ("min_freq", 2),
                     ("max_tokens", None), ("seed", SEED), ("threads", 1), ("loss", "CrossEntropyLoss")])
BIGRAM_HYPER = OrderedDict(list(HYPER.items())[:7] + [("ngrams", 2)] + list(HYPER.items())[7:])

# ----------------------------------------------------------------------------------------
# Tokenizer cases
# ----------------------------------------------------------------------------------------
WHITESPACE_IN_PYTHON = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", " ", "\x85", "\xa0",
                        "\u1680"] + [chr(c) for c in range(0x2000, 0x200B)] + ["\u2028", "\u2029", "\u202f",
                                                                               "\u205f", "\u3000"]
NOT_WHITESPACE_IN_PYTHON = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u180e", "\xad", "\u0000",
                            "\u001b", "\u007f", "\u0080", "\u009f"]
QUOTES = ["\u2018", "\u2019", "\u201c", "\u201d", "\xab", "\xbb", "\u201e", "\u201a", "\u2039", "\u203a", "`",
          "\xb4", "\uff02", "\uff07", "\u2032", "\u2033", "\u02bc", "\u300c", "\u300d"]


def tokenizer_inputs():
    c = []
    add = lambda name, text: c.append((name, text))  # noqa: E731
    # --- each regex rule -------------------------------------------------------------
    add("apostrophe_contraction", "Don't stop, it's fine")
    add("apostrophe_possessive", "O'Neil's dog's bone")
    add("apostrophe_quoted", "'single quoted'")
    add("apostrophe_rock_n_roll", "rock 'n' roll")
    add("apostrophe_only", "'")
    add("apostrophes_many", "''''")
    add("double_quotes", 'He said "hello" and "bye"')
    add("double_quotes_adjacent", '"a""b"""')
    add("double_quote_only", '"')
    add("period_sentence", "This is the end.")
    add("period_abbrev", "e.g. the U.S.A. and i.e.")
    add("period_decimal", "pi is 3.14159")
    add("ellipsis", "wait... what...")
    add("br_tag", "line one<br />line two")
    add("br_tag_upper", "LINE ONE<BR />LINE TWO")
    add("br_tag_no_space", "a<br/>b")
    add("br_tag_two_spaces", "a<br  />b")
    add("br_tag_repeated", "a<br /><br /><br />b")
    add("br_tag_alone", "<br />")
    add("br_tag_with_period", "end.<br />Start")
    add("comma", "red,green, blue ,yellow")
    add("comma_number", "1,000,000 dollars")
    add("parens", "f(x) = (a + b)")
    add("parens_nested", "((( nested )))")
    add("exclamation", "wow!!! amazing!")
    add("question", "why? why not??")
    add("interrobang_ascii", "really?!?!")
    add("semicolon", "a;b; c ;d")
    add("colon", "time: 10:30 ratio 1:2")
    add("colon_semicolon_only", ";;; :::")
    add("all_rules", "It's \"great\". (Really!) Why? Yes; no: maybe,<br />ok")
    add("mixed_case", "HeLLo WoRLD ThIs Is MiXeD")
    add("digits_letters", "abc123 123abc 1st 2nd")
    add("ascii_punct_line", "!!!???...,,,((()));;;:::\"\"\"'''")
    add("other_ascii_punct", "#hashtag @user $100 50% a&b a*b a+b a-b a/b a<b a=b a>b [x] a\\b ^_^ a|b {x} ~x")
    for ch in "#$%&*+-/<=>@[\\]^_`{|}~":
        add(f"ascii_punct_U+{ord(ch):04X}", f"a{ch}b {ch}c{ch}")
    # --- whitespace ----------------------------------------------------------------------
    add("empty", "")
    add("single_space", " ")
    add("whitespace_only", " \t\n\r\x0b\x0c  ")
    add("unicode_whitespace_only", "\xa0\u2000\u3000\u2028\x85\x1c")
    add("leading_trailing_spaces", "   padded   text   ")
    add("tabs_newlines", "tab\there\nnew\r\nline\rcr\x0bvt\x0cff")
    for ch in WHITESPACE_IN_PYTHON:
        add(f"whitespace_U+{ord(ch):04X}", f"left{ch}right")
    for ch in NOT_WHITESPACE_IN_PYTHON:
        add(f"not_whitespace_U+{ord(ch):04X}", f"left{ch}right {ch}")
    # --- quotes ----------------------------------------------------------------------------
    add("quotes_all_kinds", " ".join(f"{q}w{i}{q}" for i, q in enumerate(QUOTES)))
    add("smart_quotes_sentence", "\u201cIt\u2019s \u2018fine\u2019,\u201d she said \xabok\xbb \u201ehm\u201c")
    add("fullwidth_quotes", "\uff02full\uff02 \uff07width\uff07")
    add("backtick_acute", "`code` \xb4acute\xb4")
    # --- case mapping --------------------------------------------------------------------
    add("dotted_capital_I", "\u0130stanbul D\u0130YARBAKIR")
    add("dotted_capital_I_alone", "\u0130")
    add("dotted_capital_I_then_punct", "\u0130.\u0130,\u0130")
    add("turkish_dotless_i", "\u0131l\u0131k I \u0131 \u0130 i")
    add("sharp_s", "Stra\xdfe gro\xdf")
    add("capital_sharp_s", "STRA\u1e9eE")
    add("greek_final_sigma", "\u039f\u0394\u039f\u03a3")
    add("greek_final_sigma_two_words", "\u039f\u0394\u039f\u03a3 \u0391\u03a3 \u03a3")
    add("greek_sigma_before_period_letter", "\u0391\u03a3.\u0392")
    add("greek_sigma_before_period_space", "\u0391\u03a3. \u0392")
    add("greek_sigma_before_apostrophe", "\u0391\u03a3'\u0392")
    add("greek_sigma_before_digit", "\u0391\u03a31")
    add("greek_sigma_before_hyphen", "\u0391\u03a3-\u0392")
    add("greek_sigma_combining", "\u0391\u0301\u03a3 \u0391\u03a3\u0301 \u0391\u03a3\u0301\u0392")
    add("greek_sigma_soft_hyphen", "\u0391\u03a3\xad\u0392")
    add("greek_sentence", "\u039a\u0391\u039b\u0397\u039c\u0395\u03a1\u0391 \u039a\u039f\u03a3\u039c\u0395!")
    add("kelvin_ohm_angstrom", "5\u212a 10\u2126 \u212b")
    add("titlecase_digraphs", "\u01c5ungla \u01c4 \u01c6 \u01c8 \u01cb \u01f2")
    add("cherokee", "\u13e3\u13b3\u13a9 \u13a0\u13a1")
    add("cherokee_small", "\uab70\uab71 \u13f8")
    add("armenian_ligatures", "\ufb13\ufb14 \u0587 \u0535\u0552")
    add("georgian_mtavruli", "\u1ca5\u1c90\u1ca0\u1c97\u1ca3\u1c9a\u1c98")
    add("deseret_astral_case", "\U00010400\U00010401 \U00010428")
    add("adlam_astral_case", "\U0001e900\U0001e901")
    add("osage_astral_case", "\U000104b0\U000104d8")
    add("unicode16_cyrillic_tje", "\u1c89\u1c8a \ua7cb \ua7dc")
    add("unicode16_garay_astral", "\U00010d50\U00010d51 \U00010d70")
    add("roman_numerals_circled", "\u216b \u24b6\u24b7 \U0001f130")
    add("math_alphanumerics", "\U0001d400\U0001d41a \U0001d49c")
    add("latin_extended", "\u0100\u0102\u0104 \u1e9e \u023a \u2c6f \ua7ae")
    add("cyrillic", "\u041f\u0420\u0418\u0412\u0415\u0422, \u041c\u0418\u0420!")
    add("combining_marks", "cafe\u0301 caf\xe9 A\u0301 n\u0303o Z\u0335\u0321\u0317")
    # --- scripts / symbols -----------------------------------------------------------------
    add("fullwidth_letters", "\uff28\uff25\uff2c\uff2c\uff2f \uff37\uff4f\uff52\uff4c\uff44")
    add("fullwidth_punct", "\uff01\uff1f\uff08\uff09\uff0e\uff0c\uff1b\uff1a")
    add("japanese", "\u6771\u4eac\u306f\u6674\u308c\u3067\u3059\u3002")
    add("japanese_ideographic_space", "\u30ab\u30bf\u30ab\u30ca\u3000\u3072\u3089\u304c\u306a")
    add("chinese_punct", "\u4f60\u597d\uff0c\u4e16\u754c\uff01")
    add("korean", "\ud55c\uad6d\uc5b4 \ud14c\uc2a4\ud2b8")
    add("arabic_rtl", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645.")
    add("hebrew_rtl_marks", "\u200f\u05e9\u05dc\u05d5\u05dd\u200e world")
    add("devanagari", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e")
    add("thai", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35")
    add("emoji", "I \u2764\ufe0f NY \U0001f600\U0001f600")
    add("emoji_skin_tone", "\U0001f44d\U0001f3fd ok \U0001f44b\U0001f3ff")
    add("emoji_zwj_family", "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 family")
    add("emoji_flags", "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f1fa\U0001f1f8")
    add("emoji_keycap", "1\ufe0f\u20e3 #\ufe0f\u20e3")
    add("replacement_and_private_use", "\ufffd \ue000 \U000f0000")
    add("bidi_controls", "\u202aabc\u202c \u2066def\u2069")
    # --- realistic text ---------------------------------------------------------------------
    add("html", "<p class=\"x\">Hello <b>World</b></p><br />Next &amp; last")
    add("email_headers", "From: John Doe <john.doe@example.com>\nSubject: Re: [SPAM] Win $1,000,000!!!\n"
                         "Date: Mon, 2 Sep 2002 13:45:00 +0100\nContent-Type: text/plain; charset=\"us-ascii\"")
    add("url", "Visit https://www.example.com/path/to?q=1&r=two#frag now")
    add("email_address", "mail me: first.last+tag@sub.example.co.uk.")
    add("numbers", "3.14159 1,234,567 -42 +7 1e10 50% $9.99 0x1F 10:30pm 2002-09-02")
    add("spam_like", "CLICK HERE!!! FREE $$$ Viagra... 100% GUARANTEED (no risk)!")
    add("no_known_token", "qwertyuiop zxcvbnm asdfghjkl")
    add("crlf_paragraphs", "Para one.\r\n\r\nPara two.\r\n")
    long_words = ["lorem", "Ipsum", "dolor's", "sit.", "(amet)", "\"consectetur\"", "adipiscing,", "elit!",
                  "sed?", "do;", "eius:mod", "t\xe9mpor", "\u0130ncid", "\u039f\u03a3"]
    rng = random.Random(SEED)
    parts, n = [], 0
    while n < 10000:
        w = rng.choice(long_words)
        sep = rng.choice([" ", " ", " ", "\n", "\t", "<br />", "  "])
        parts.append(w + sep)
        n += len(w) + len(sep)
    add("long_10000_chars", "".join(parts)[:10000])
    add("long_punctuation_line", "!?.,;:()\"'" * 100)
    return c


def tokenizer_cases():
    cases = tokenizer_inputs()
    names = [n for n, _ in cases]
    assert len(names) == len(set(names)), "duplicate case names"
    return [OrderedDict([("name", n), ("text", t), ("tokens", textclf.basic_english(t))]) for n, t in cases]


# ----------------------------------------------------------------------------------------
# Unicode tables: exactly what Python's str.lower / re \s / str.split do (for the C# port)
# ----------------------------------------------------------------------------------------
def _ranges(cps):
    out = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def unicode_tables():
    import re
    import unicodedata
    all_cps = [cp for cp in range(0x110000) if not 0xD800 <= cp < 0xE000]
    lower = [[cp, [ord(x) for x in chr(cp).lower()]] for cp in all_cps if chr(cp).lower() != chr(cp)]
    ws = [cp for cp in all_cps if re.match(r"\s", chr(cp))]
    assert ws == [cp for cp in all_cps if chr(cp).isspace()], "re \\s and str.isspace differ"
    # Final-sigma context (Python's handle_capital_sigma): Sigma -> final sigma iff preceded by a
    # cased char (skipping case-ignorable ones) and not followed by one (skipping case-ignorable ones).
    # Case-ignorable chars are always skipped, so only "cased and not case-ignorable" matters.
    ci, cased = [], []
    for cp in all_cps:
        c = chr(cp)
        alone = c + "\u03a3"
        after_alpha = "\u0391" + c + "\u03a3"
        if alone.lower()[-1] == "\u03c3" and after_alpha.lower()[-1] == "\u03c2":
            ci.append(cp)
        elif alone.lower()[-1] == "\u03c2":
            cased.append(cp)
    return OrderedDict([
        ("comment", "Generated by tools/pytorch/make_fixtures.py from /usr/bin/python3. lower: every code point "
                    "whose str.lower() (without context) differs, as [code point, [lowercase code points]]; "
                    "context rule: U+03A3 lowercases to U+03C2 (final sigma) when preceded by a "
                    "cased_not_case_ignorable char, skipping case_ignorable chars, and not followed by one, "
                    "skipping case_ignorable chars; else U+03C3. whitespace: re \\s == str.isspace() == what "
                    "str.split() splits on. Sets are [first, last] inclusive code point ranges."),
        ("python_version", sys.version.split()[0]),
        ("unicode_version", unicodedata.unidata_version),
        ("whitespace", _ranges(ws)),
        ("case_ignorable", _ranges(ci)),
        ("cased_not_case_ignorable", _ranges(cased)),
        ("lower", lower),
    ])


# ----------------------------------------------------------------------------------------
# Vocab cases
# ----------------------------------------------------------------------------------------
def vocab_cases():
    cases = [
        ("basic", ["the cat sat", "the dog sat", "a cat"], 1, None, ["<unk>"]),
        ("min_freq_2", ["the cat sat", "the dog sat", "a cat"], 2, None, ["<unk>"]),
        ("ties_sorted_by_code_point",
         ["zebra \u01c6 \u03c9 \ue000x \uff46\uff4f\uff4f \U0001f600 \U0001d49c apple \u0130 B"], 1, None, ["<unk>"]),
        ("ties_utf16_vs_code_point_order",
         ["\uffff \U00010000 \ufb01 \U0001f600 \ue000"] * 2, 2, None, ["<unk>"]),
        ("unk_in_text_is_not_counted", ["<unk> <unk> <unk> a b b"], 1, None, ["<unk>"]),
        ("max_tokens_truncates_before_removing_specials", ["<unk> <unk> <unk> a a b b c d"], 1, 3, ["<unk>"]),
        ("max_tokens", ["a a a b b c d e"], 1, 4, ["<unk>"]),
        ("two_specials", ["x y <pad> x"], 1, None, ["<unk>", "<pad>"]),
        ("empty_corpus", ["", ";;;"], 1, None, ["<unk>"]),
    ]
    out = []
    for name, texts, min_freq, max_tokens, specials in cases:
        v = textclf.build_vocab_from_iterator((textclf.basic_english(t) for t in texts), min_freq=min_freq,
                                              specials=specials, max_tokens=max_tokens)
        out.append(OrderedDict([("name", name), ("texts", texts), ("min_freq", min_freq),
                                ("max_tokens", max_tokens), ("specials", specials), ("itos", v.get_itos())]))
    return out


# ----------------------------------------------------------------------------------------
# N-gram cases
# ----------------------------------------------------------------------------------------
def ngram_cases():
    # torchtext's own code yields all unigrams first (its docstring's interleaved example is wrong);
    # MindSpore's API mapping page prints this output of the real torchtext.data.utils.ngrams_iterator.
    assert list(textclf.ngrams_iterator(["here", "we", "are"], 2)) == ["here", "we", "are", "here we", "we are"]
    cases = [
        ("torchtext_example", ["here", "we", "are"], 2),
        ("torchtext_example_n3", ["here", "we", "are"], 3),
        ("unigrams_only", ["here", "we", "are"], 1),
        ("n_zero_gives_tokens", ["a", "b"], 0),
        ("empty", [], 2),
        ("one_token_n2", ["solo"], 2),
        ("two_tokens_n3", ["a", "b"], 3),
        ("three_tokens_n4", ["a", "b", "c"], 4),
        ("five_tokens_n3", ["a", "b", "c", "d", "e"], 3),
        ("repeats", ["the", "the", "the", "goal"], 2),
        ("punctuation_tokens", textclf.basic_english("Don't stop, it's fine!"), 2),
        ("unicode", textclf.basic_english("İstanbul café 😀 ΟΔΟΣ"), 3),
        ("unk_like", ["<unk>", "<unk>", "x"], 2),
        ("email", textclf.basic_english("Subject: Re: [SPAM] Win $1,000,000!!! Click http://x.example/win now."), 2),
        ("n6", textclf.basic_english("one two three four five six seven"), 6),
    ]
    return [OrderedDict([("name", name), ("tokens", list(tokens)), ("ngrams", n),
                         ("terms", list(textclf.ngrams_iterator(list(tokens), n)))]) for name, tokens, n in cases]


# ----------------------------------------------------------------------------------------
# Parity training data (3 classes, generated from word lists)
# ----------------------------------------------------------------------------------------
CLASS_WORDS = {
    "business": "market stocks shares profit revenue bank investors earnings merger economy trade prices "
                "company ceo quarterly dividend inflation startup funding acquisition".split(),
    "sports": "match team goal season coach league players score championship win football tennis "
              "olympic referee stadium tournament striker final medal cup".split(),
    "tech": "software computer internet chip google apple smartphone ai data cloud network security "
            "processor startup app developer linux robot quantum browser".split(),
}
COMMON_WORDS = "the a of to in and for on with is was by at as its new after over says report today".split()
NOISE_WORDS = ["caf\xe9", "na\xefve", "stra\xdfe", "\u00fcber", "\u0130stanbul", "\u039f\u0394\u039f\u03a3",
               "\u6771\u4eac", "\U0001f600", "\uff46\uff4f\uff4f", "\u2764\ufe0f", "don't", "U.S.", "3.5%",
               "$100", "(update)", "breaking!", "why?", "e-mail", "co-op", "\u0101bc"]
TIE_WORDS = ["zzz", "\u01c6", "\u03c9x", "\ue000x", "\uff5a\uff5a", "\U0001f680", "\U0001d49cx"]
TEMPLATES = ["{w}", "{w}.", "{w},", "\"{w}\"", "({w})", "{w}!", "{W}", "{w}'s", "{w}?", "{w}<br />"]


def parity_data():
    rng = random.Random(SEED)
    labels = sorted(CLASS_WORDS)

    def sentence(label):
        words = []
        for _ in range(rng.randint(4, 14)):
            r = rng.random()
            if r < 0.45:
                w = rng.choice(CLASS_WORDS[label])
            elif r < 0.55:  # confusable word from another class
                w = rng.choice(CLASS_WORDS[rng.choice(labels)])
            elif r < 0.9:
                w = rng.choice(COMMON_WORDS)
            else:
                w = rng.choice(NOISE_WORDS)
            t = rng.choice(TEMPLATES) if rng.random() < 0.3 else "{w}"
            words.append(t.format(w=w, W=w.upper()))
        return " ".join(words)

    train = [(sentence(lab), lab) for lab in (rng.choice(labels) for _ in range(900))]
    # each tie word exactly 3 times -> equal frequencies, ordered by code point in the vocab
    for k in range(3):
        train.append((" ".join(TIE_WORDS) + f" {CLASS_WORDS[labels[k]][0]}", labels[k]))
    test = [(sentence(lab), lab) for lab in (rng.choice(labels) for _ in range(150))]
    return train, test


def write_jsonl(path, examples):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for text, label in examples:
            f.write(json.dumps(OrderedDict([("text", text), ("label", label)]), ensure_ascii=True) + "\n")


def parity_texts(tok_cases):
    texts = [c["text"] for c in tok_cases]
    extra = [
        "The market rallied as investors cheered quarterly earnings.",
        "Coach praises striker after the championship final!",
        "New smartphone chip boosts AI and cloud security.",
        "Stocks fall; bank shares slide (again).",
        "Team wins the cup: goal in the final minute",
        "Linux developer releases quantum browser app",
        "market match software",
        "profit profit profit goal",
        "the a of to in and",
        "\u0130stanbul caf\xe9 stra\xdfe \U0001f600",
        "\u039f\u0394\u039f\u03a3 \u6771\u4eac \uff46\uff4f\uff4f",
        "zzz \u01c6 \u03c9x \ue000x \uff5a\uff5a \U0001f680 \U0001d49cx",
        "MERGER ACQUISITION FUNDING",
        "Olympic medal for the tennis player",
        "startup startup",
        "unknownword anotherunknown",
        "xylophone quux frobnicate",
        "\u05e9\u05dc\u05d5\u05dd \u043c\u0438\u0440",
        ";;; :::",
        ";",
        "<br /><br />",
        "   ",
        "\"\"",
        "<unk>",
        "<UNK> market",
        "don't stop the U.S. economy",
        "breaking! (update) 3.5% $100",
        "e-mail co-op \u0101bc",
        "why? why? why?",
        "stocks, stocks. stocks! stocks?",
        "the the the the the the the the the the the the the the the goal",
        "referee",
        "processor",
        "dividend",
        "ai",
        "google apple market team",
        "inflation hits prices, trade and the economy",
        "Football league season opens today",
        "Robot developer joins network security company",
        "CEO says revenue grew over the quarter",
        "Players and fans at the stadium",
        "Internet browser data leak",
        "Bank merger approved by regulators",
        "SCORE!!! GOAL!!! WIN!!!",
        "cloud, data, software; computer: chip",
    ]
    return texts + extra


def build(out):
    torch.set_num_threads(1)
    os.makedirs(os.path.join(out, "parity"), exist_ok=True)
    tok = tokenizer_cases()
    with open(os.path.join(out, "tokenizer_cases.json"), "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(tok))
    with open(os.path.join(out, "unicode_tables.json"), "w", encoding="utf-8") as f:
        tables = unicode_tables()
        f.write("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}"
                                    for k, v in tables.items()) + "\n}\n")
    with open(os.path.join(out, "vocab_cases.json"), "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(vocab_cases()))
    with open(os.path.join(out, "ngram_cases.json"), "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(ngram_cases()))

    train_ex, test_ex = parity_data()
    ptrain = os.path.join(out, "parity", "train.jsonl")
    ptest = os.path.join(out, "parity", "test.jsonl")
    write_jsonl(ptrain, train_ex)
    write_jsonl(ptest, test_ex)
    # read back through the data reader, exactly as train.py does
    train_ex, test_ex = textclf.read_examples(ptrain), textclf.read_examples(ptest)
    model, vocab, labels, metrics = trainer.train(
        train_ex, test_ex, embed_dim=HYPER["embed_dim"], min_freq=HYPER["min_freq"], lr=HYPER["lr"],
        batch_size=HYPER["batch_size"], epochs=HYPER["epochs"], seed=HYPER["seed"],
        optimizer_name=HYPER["optimizer"], momentum=HYPER["momentum"], clip=HYPER["clip_grad_norm"],
        log=lambda m: print("  " + m))
    assert labels == ["business", "sports", "tech"], labels
    for h in metrics["epochs"]:  # timings are not deterministic: keep them out of the fixture
        h.pop("train_seconds")
        h.pop("epoch_seconds")
    metrics.pop("mean_epoch_seconds", None)
    metrics = json.loads(json.dumps(metrics), object_pairs_hook=OrderedDict)
    for h in metrics["epochs"]:
        for k in ("train_loss", "test_loss"):
            h[k] = round(h[k], 4)
    provenance = OrderedDict([
        ("trainer", "tools/pytorch/make_fixtures.py via train.py train() (torch %s)" % torch.__version__.split("a")[0]),
        ("hyperparameters", HYPER),
        ("data_sha256", OrderedDict([("train.jsonl", textclf.sha256_file(ptrain)),
                                     ("test:test.jsonl", textclf.sha256_file(ptest))])),
        ("metrics", metrics),
    ])
    dirs = {"pth": "bundle", "safetensors": "bundle_safetensors", "torchscript": "bundle_torchscript"}
    for fmt, d in dirs.items():
        path = os.path.join(out, "parity", d)
        if os.path.isdir(path):
            shutil.rmtree(path)
        textclf.save_bundle(path, model, vocab, labels, provenance, fmt=fmt)

    texts = parity_texts(tok)
    results = {}
    for fmt, d in dirs.items():
        b = textclf.load_bundle(os.path.join(out, "parity", d))
        assert b.architecture == ("torchscript" if fmt == "torchscript" else "text_classification")
        results[fmt] = textclf.predict(b, texts)
    for fmt in ("safetensors", "torchscript"):
        for a, b in zip(results["pth"], results[fmt]):
            assert a == b, f"{fmt} bundle differs from pth bundle for {a['text']!r}: {a['logits']} vs {b['logits']}"
    # a single-text batch must give the same logits as the batched run
    single = textclf.load_bundle(os.path.join(out, "parity", "bundle"))
    for r in results["pth"][:: 7]:
        assert textclf.predict(single, [r["text"]])[0]["logits"] == r["logits"]
    expected = [OrderedDict([("text", r["text"]), ("tokens", r["tokens"]), ("ids", r["ids"]),
                             ("logits", r["logits"]), ("label", r["label"]),
                             ("probabilities", r["probabilities"])]) for r in results["pth"]]
    with open(os.path.join(out, "parity", "expected.json"), "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(expected))
    bigram_vocab = build_bigram(out, train_ex, test_ex, ptrain, ptest, texts)
    n_empty = sum(1 for r in expected if not r["ids"])
    n_unk = sum(1 for r in expected if r["ids"] and all(i == 0 for i in r["ids"]))
    print(f"  tokenizer cases {len(tok)}, expected texts {len(expected)} ({n_empty} empty bags, "
          f"{n_unk} only <unk>), vocab {len(vocab)}, test accuracy {metrics['final_test_accuracy']:.4f}; "
          f"bigram vocab {bigram_vocab}")
    return out


def _fixture_metrics(metrics):
    for h in metrics["epochs"]:  # timings are not deterministic: keep them out of the fixture
        h.pop("train_seconds")
        h.pop("epoch_seconds")
    metrics.pop("mean_epoch_seconds", None)
    metrics = json.loads(json.dumps(metrics), object_pairs_hook=OrderedDict)
    for h in metrics["epochs"]:
        for k in ("train_loss", "test_loss"):
            h[k] = round(h[k], 4)
    return metrics


def build_bigram(out, train_ex, test_ex, ptrain, ptest, texts):
    """The same data and hyperparameters with ngrams 2: the vocabulary holds unigrams and bigrams."""
    h = BIGRAM_HYPER
    model, vocab, labels, metrics = trainer.train(
        train_ex, test_ex, embed_dim=h["embed_dim"], min_freq=h["min_freq"], lr=h["lr"],
        batch_size=h["batch_size"], epochs=h["epochs"], seed=h["seed"], optimizer_name=h["optimizer"],
        momentum=h["momentum"], clip=h["clip_grad_norm"], ngrams=h["ngrams"], log=lambda m: print("  " + m))
    assert any(" " in t for t in vocab.get_itos()), "a bigram vocabulary holds bigrams"
    provenance = OrderedDict([
        ("trainer", "tools/pytorch/make_fixtures.py via train.py train() (torch %s)" % torch.__version__.split("a")[0]),
        ("hyperparameters", h),
        ("data_sha256", OrderedDict([("train.jsonl", textclf.sha256_file(ptrain)),
                                     ("test:test.jsonl", textclf.sha256_file(ptest))])),
        ("metrics", _fixture_metrics(metrics)),
    ])
    path = os.path.join(out, "parity", "bundle_bigram")
    if os.path.isdir(path):
        shutil.rmtree(path)
    textclf.save_bundle(path, model, vocab, labels, provenance, fmt="pth", ngrams=h["ngrams"])
    bundle = textclf.load_bundle(path)
    assert bundle.ngrams == 2
    results = textclf.predict(bundle, texts)
    for r in results[:: 7]:
        assert textclf.predict(bundle, [r["text"]])[0]["logits"] == r["logits"]
    expected = [OrderedDict([("text", r["text"]), ("tokens", r["tokens"]), ("terms", r["terms"]), ("ids", r["ids"]),
                             ("logits", r["logits"]), ("label", r["label"]),
                             ("probabilities", r["probabilities"])]) for r in results]
    assert any(len(r["terms"]) > len(r["tokens"]) for r in expected)
    with open(os.path.join(out, "parity", "expected_bigram.json"), "w", encoding="utf-8") as f:
        f.write(textclf.dumps_array(expected))
    return len(vocab)


# ----------------------------------------------------------------------------------------
# --check: compare a fresh build with the committed fixtures
# ----------------------------------------------------------------------------------------
def _load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def check(fresh, committed, tol=1e-5):
    problems = []
    exact = ["tokenizer_cases.json", "unicode_tables.json", "vocab_cases.json", "ngram_cases.json",
             "parity/train.jsonl", "parity/test.jsonl"]
    for d in ("bundle", "bundle_safetensors", "bundle_torchscript", "bundle_bigram"):
        exact += [f"parity/{d}/vocab.json", f"parity/{d}/config.json"]
    for rel in exact:
        a, b = os.path.join(fresh, rel), os.path.join(committed, rel)
        if not os.path.isfile(b):
            problems.append(f"{rel}: missing in {committed}")
            continue
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if fa.read() != fb.read():
                problems.append(f"{rel}: differs from a fresh build")
    # weights: compare tensor values (bytes may differ, e.g. TorchScript debug info holds file paths)
    max_w = 0.0
    for d in ("bundle", "bundle_safetensors", "bundle_torchscript", "bundle_bigram"):
        try:
            fa = textclf.load_bundle(os.path.join(fresh, "parity", d)).model.state_dict()
            fb = textclf.load_bundle(os.path.join(committed, "parity", d)).model.state_dict()
            for k in textclf.STATE_DICT_KEYS:
                max_w = max(max_w, (fa[k] - fb[k]).abs().max().item())
        except textclf.BundleError as e:
            problems.append(str(e))
    if max_w > tol:
        problems.append(f"weights differ from a fresh build by up to {max_w:g}")
    max_l = 0.0
    for name in ("expected.json", "expected_bigram.json"):
        ea = _load_json(os.path.join(fresh, "parity", name))
        eb = _load_json(os.path.join(committed, "parity", name))
        if len(ea) != len(eb):
            problems.append(f"parity/{name}: {len(eb)} items, fresh build has {len(ea)}")
        for a, b in zip(ea, eb):
            keys = ("text", "tokens", "terms", "ids", "label")
            if [a.get(k) for k in keys] != [b.get(k) for k in keys]:
                problems.append(f"parity/{name}: text/tokens/terms/ids/label differ for {a['text'][:40]!r}")
            max_l = max([max_l] + [abs(x - y) for x, y in zip(a["logits"], b["logits"])])
    if max_l > tol:
        problems.append(f"parity/expected*.json: logits differ by up to {max_l:g}")
    for p in problems:
        print("MISMATCH " + p)
    print(f"check: {'OK' if not problems else 'FAILED'} (max |weight diff| {max_w:g}, max |logit diff| {max_l:g})")
    return not problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fixtures"), help="output dir (default tests/fixtures)")
    ap.add_argument("--check", action="store_true", help="build into a temp dir and compare with --out")
    args = ap.parse_args(argv)
    if args.check:
        tmp = tempfile.mkdtemp(prefix="fixtures-")
        try:
            print(f"building fresh fixtures in {tmp}")
            build(tmp)
            return 0 if check(tmp, args.out) else 1
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"writing fixtures to {args.out}")
    build(args.out)
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(args.out) for f in fs)
    print(f"done: {total / 1024:.0f} KiB under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
