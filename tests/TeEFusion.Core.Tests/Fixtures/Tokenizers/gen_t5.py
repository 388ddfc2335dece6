#!/usr/bin/python3
"""Trains a tiny T5-style SentencePiece unigram model with Debian's spm_train and writes expected ids.

Expected ids come from python3-sentencepiece (the reference implementation), with T5's framing:
no BOS, "</s>" (1) appended, truncation that keeps "</s>" last, padding with "<pad>" (0).
Run: /usr/bin/python3 gen_t5.py   (from this folder; needs /usr/bin/spm_train and python3-sentencepiece)
"""
import json
import os
import subprocess
import tempfile

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = [
    "a small red circle at the top left on a blue background",
    "a large green square at the bottom right on a white background",
    "a tiny yellow triangle in the center on a black background",
    "two blue circles and a red square on a grey background",
    "A photo of a cat sitting on a red chair.",
    "A painting of a dog in the style of Van Gogh, 1889.",
    "The top-left corner is red; the bottom-right corner is blue!",
    "Numbers 0 1 2 3 4 5 6 7 8 9 and (brackets), \"quotes\" and 'apostrophes'.",
]
MAX_LEN = 32
PROMPTS = [
    "a small red circle at the top left on a blue background",
    "A Small RED Circle!!",
    "  a   blue\tsquare \n on  white  ",
    "café ☃☃☃ 猫 ok",
    "",
    "ＦＵＬＬ width ﬁne",
    "a small red circle at the top left on a blue background and a large green square",
]


def main():
    folder = os.path.join(HERE, "t5", "tokenizer_3")
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(CORPUS * 20) + "\n")
        subprocess.run(["/usr/bin/spm_train", f"--input={corpus}", f"--model_prefix={folder}/spiece",
                        "--model_type=unigram", "--vocab_size=90", "--bos_id=-1", "--eos_id=1", "--unk_id=2",
                        "--pad_id=0", "--character_coverage=1.0", "--seed_sentencepiece_size=10000",
                        "--num_threads=1", "--minloglevel=2"], check=True)
    os.remove(os.path.join(folder, "spiece.vocab"))
    sp = spm.SentencePieceProcessor(model_file=os.path.join(folder, "spiece.model"))
    rows = []
    for prompt in PROMPTS:
        ids = sp.encode(prompt) + [1]
        count = len(ids)
        ids = ids[:MAX_LEN - 1] + [1] if count > MAX_LEN else ids
        rows.append({"prompt": prompt, "ids": ids + [0] * (MAX_LEN - len(ids)), "token_count": count,
                     "truncated": count > MAX_LEN, "pieces": sp.encode(prompt, out_type=str)})
    with open(os.path.join(HERE, "t5", "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"max_length": MAX_LEN, "rows": rows}, f, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
