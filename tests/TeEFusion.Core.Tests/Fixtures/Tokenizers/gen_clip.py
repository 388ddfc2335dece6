#!/usr/bin/python3
"""Writes a tiny CLIP-format tokenizer (vocab.json, merges.txt, configs) and expected ids.

The BPE below is written from the CLIP tokenizer algorithm (transformers CLIPTokenizer without ftfy:
BasicTokenizer clean-up, lower case, CLIP's split pattern, byte-level alphabet, "</w>" on the last symbol,
lowest-rank merge first). It shares no code with the C# tokenizer under test.
Run: /usr/bin/python3 gen_clip.py   (from this folder)
"""
import json
import os
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = [
    "a small red circle at the top left on a blue background",
    "a large green square at the bottom right on a white background",
    "a tiny yellow triangle in the center on a black background",
    "two blue circles and a red square on a grey background",
    "a photo of a cat sitting on a red chair",
    "a painting of a dog in the style of van gogh",
    "the top left corner is red and the bottom right corner is blue",
    "a small circle, a large square and a tiny triangle",
]
N_MERGES = 160
MAX_LEN = 77
BOS, EOS = "<|startoftext|>", "<|endoftext|>"


def byte_alphabet():
    """Byte value -> printable character, the GPT-2/CLIP byte-level mapping."""
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    mapping, extra = {}, 0
    for b in range(256):
        if b in printable:
            mapping[b] = chr(b)
        else:
            mapping[b] = chr(256 + extra)
            extra += 1
    # CLIP's vocab lists the printable bytes first, then the remapped ones.
    order = printable + [b for b in range(256) if b not in printable]
    return mapping, [mapping[b] for b in order]


BYTE_MAP, BASE = byte_alphabet()


def learn_merges(words):
    seqs = {tuple(w[:-1]) + (w[-1] + "</w>",): c for w, c in words.items()}
    merges = []
    for _ in range(N_MERGES):
        counts = {}
        for seq, c in seqs.items():
            for pair in zip(seq, seq[1:]):
                counts[pair] = counts.get(pair, 0) + c
        if not counts:
            break
        best = max(sorted(counts), key=lambda p: counts[p])
        merges.append(best)
        new = {}
        for seq, c in seqs.items():
            out, i = [], 0
            while i < len(seq):
                if i + 1 < len(seq) and (seq[i], seq[i + 1]) == best:
                    out.append(seq[i] + seq[i + 1])
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + c
        seqs = new
    return merges


def is_cjk(cp):
    ranges = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
              (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]
    return any(lo <= cp <= hi for lo, hi in ranges)


def clean(text):
    """BasicTokenizer(strip_accents=False, do_split_on_punc=False) followed by lower case."""
    chars = []
    for ch in text:
        if ord(ch) in (0, 0xFFFD):
            continue
        if ch in "\t\n\r" or unicodedata.category(ch) == "Zs":
            chars.append(" ")
        elif unicodedata.category(ch).startswith("C"):
            continue
        elif is_cjk(ord(ch)):
            chars.append(" " + ch + " ")
        else:
            chars.append(ch)
    text = unicodedata.normalize("NFC", "".join(chars))
    return " ".join(w.lower() for w in text.split())


def is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def is_number(ch):
    return unicodedata.category(ch).startswith("N")


def split_words(text):
    """CLIP's pattern, scanned by hand: specials | contractions | letters+ | one digit | other symbols+."""
    out, i, low = [], 0, text.lower()
    while i < len(text):
        hit = next((t for t in (BOS, EOS) if low.startswith(t, i)), None) \
            or next((c for c in ("'s", "'t", "'re", "'ve", "'m", "'ll", "'d") if low.startswith(c, i)), None)
        if hit:
            out.append(text[i:i + len(hit)])
            i += len(hit)
        elif is_letter(text[i]):
            j = i
            while j < len(text) and is_letter(text[j]):
                j += 1
            out.append(text[i:j])
            i = j
        elif is_number(text[i]):
            out.append(text[i])
            i += 1
        elif not text[i].isspace():
            j = i
            while j < len(text) and not (text[j].isspace() or is_letter(text[j]) or is_number(text[j])):
                j += 1
            out.append(text[i:j])
            i = j
        else:
            i += 1
    return out


def bpe(word, ranks):
    if word in (BOS, EOS):
        return [word]
    symbols = list(word[:-1]) + [word[-1] + "</w>"]
    while len(symbols) > 1:
        pairs = [(ranks.get((a, b), 1 << 30), k) for k, (a, b) in enumerate(zip(symbols, symbols[1:]))]
        rank, _ = min(pairs)
        if rank == 1 << 30:
            break
        first, second = next(p for p, r in ranks.items() if r == rank)
        merged, k = [], 0
        while k < len(symbols):
            if k + 1 < len(symbols) and symbols[k] == first and symbols[k + 1] == second:
                merged.append(first + second)
                k += 2
            else:
                merged.append(symbols[k])
                k += 1
        symbols = merged
    return symbols


def split_added(text, added):
    """Added tokens (from tokenizer_config.json) are cut out of the raw text before anything else."""
    pieces, i, start = [], 0, 0
    while i < len(text):
        hit = max((t for t in added if text.startswith(t, i)), key=len, default=None)
        if hit:
            pieces.append((text[start:i], False))
            pieces.append((hit, True))
            i += len(hit)
            start = i
        else:
            i += 1
    pieces.append((text[start:], False))
    return pieces


def encode(text, vocab, ranks, added, pad_id):
    ids = []
    for piece, special in split_added(text, added):
        if special:
            ids.append(vocab[piece])
            continue
        for word in split_words(clean(piece)):
            mapped = "".join(BYTE_MAP[b] for b in word.encode("utf-8"))
            ids.extend(vocab.get(t, vocab[EOS]) for t in bpe(mapped, ranks))
    count = len(ids) + 2
    ids = [vocab[BOS]] + ids[:MAX_LEN - 2] + [vocab[EOS]]
    return {"ids": ids + [pad_id] * (MAX_LEN - len(ids)), "token_count": count, "truncated": count > MAX_LEN}


PROMPTS = [
    "a small red circle at the top left on a blue background",
    "A Small RED Circle!!",
    "  a   blue\tsquare \n on  white\u00a0 ",
    "café crème, 猫猫 and naïve ☃ — ok",
    "",
    "it's a dog's world, isn't it? they're here; we'll see",
    "123 circles at 4.5px (x2)",
    "zero\u200bwidth and cafe\u0301 decomposed",
    "a cat <|endoftext|> a dog",
    "a 🐱 on a ✨ background 🙂🙂",
    " ".join(["a small red circle at the top left on a blue background"] * 8),
]


def write_folder(name, vocab, merges, pad):
    folder = os.path.join(HERE, "clip", name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    added = {str(vocab[t]): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                             "single_word": False, "special": True} for t in sorted({BOS, EOS, pad}, key=vocab.get)}
    config = {"added_tokens_decoder": added, "bos_token": BOS, "eos_token": EOS, "unk_token": EOS,
              "pad_token": pad, "model_max_length": MAX_LEN, "do_lower_case": True, "errors": "replace",
              "tokenizer_class": "CLIPTokenizer"}
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
    special = {"bos_token": {"content": BOS, "lstrip": False, "normalized": True, "rstrip": False,
                             "single_word": False},
               "eos_token": {"content": EOS, "lstrip": False, "normalized": True, "rstrip": False,
                             "single_word": False},
               "pad_token": pad, "unk_token": {"content": EOS, "lstrip": False, "normalized": True,
                                               "rstrip": False, "single_word": False}}
    with open(os.path.join(folder, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump(special, f, indent=2, ensure_ascii=False)
    ranks = {m: r for r, m in enumerate(merges)}
    added_tokens = [v["content"] for v in added.values()]
    return [dict(prompt=p, **encode(p, vocab, ranks, added_tokens, vocab[pad])) for p in PROMPTS]


def main():
    words = {}
    for line in CORPUS:
        for word in split_words(clean(line)):
            words[word] = words.get(word, 0) + 1
    merges = learn_merges(words)
    tokens = BASE + [t + "</w>" for t in BASE] + [a + b for a, b in merges] + [BOS, EOS]
    vocab = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
    expected = {"tokenizer": write_folder("tokenizer", vocab, merges, EOS),
                "tokenizer_2": write_folder("tokenizer_2", vocab, merges, "!")}
    with open(os.path.join(HERE, "clip", "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
