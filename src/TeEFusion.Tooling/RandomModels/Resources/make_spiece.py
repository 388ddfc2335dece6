#!/usr/bin/python3
"""Trains the small T5-style SentencePiece unigram model shipped with the random-model writer (t5_spiece.model).

The corpus is generated here, deterministically, from short word lists combined into caption-like sentences;
nothing is downloaded. spm_train runs single-threaded with a fixed seed-piece size so reruns give the same pieces.
Run from this folder: /usr/bin/python3 make_spiece.py   (needs Debian's /usr/bin/spm_train)
"""
import itertools
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
VOCAB_SIZE = 1000

SUBJECTS = ["cat", "dog", "house", "tree", "mountain", "river", "car", "robot", "woman", "man", "child", "bird",
            "castle", "flower", "city", "forest", "boat", "horse", "dragon", "astronaut", "lighthouse", "teapot",
            "owl", "fox", "rabbit", "elephant", "giraffe", "penguin", "butterfly", "whale", "octopus", "tiger",
            "bicycle", "train", "airplane", "spaceship", "submarine", "bridge", "cathedral", "temple", "village",
            "waterfall", "volcano", "glacier", "island", "canyon", "meadow", "library", "market", "street",
            "portrait", "landscape", "sculpture", "cupcake", "pizza", "strawberry", "banana", "sunflower", "mushroom",
            "knight", "wizard", "princess", "samurai", "pirate", "musician", "dancer", "scientist", "chef", "farmer"]
ADJECTIVES = ["small", "large", "red", "blue", "green", "golden", "ancient", "futuristic", "misty", "bright",
              "dark", "colorful", "wooden", "glass", "snowy", "quiet", "purple", "orange", "silver", "rusty",
              "enormous", "tiny", "happy", "sleepy", "mysterious", "elegant", "abandoned", "floating", "crystal",
              "neon", "vintage", "minimalist", "surreal", "fluffy", "metallic", "translucent"]
PLACES = ["on a beach", "in a forest", "at night", "under the stars", "in the city", "on a hill", "by the sea",
          "in the desert", "in a garden", "on the moon", "in a kitchen", "near a lake"]
STYLES = ["a photo of", "a painting of", "an illustration of", "a watercolor of", "a 3d render of",
          "a sketch of", "a close-up photograph of", "digital art of"]
EXTRAS = ["highly detailed", "soft lighting", "4k", "oil on canvas", "in the style of Van Gogh",
          "cinematic, 35mm", "trending on artstation", "(1889)", "with \"text\" that says hello!", "8 colours; 3 shapes"]


def corpus_lines():
    for i, (style, adjective, subject, place) in enumerate(itertools.product(STYLES, ADJECTIVES, SUBJECTS, PLACES)):
        extra = EXTRAS[i % len(EXTRAS)]
        yield f"{style} a {adjective} {subject} {place}, {extra}"


def main():
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus.txt")
        with open(corpus, "w", encoding="utf-8") as f:
            f.write("\n".join(corpus_lines()) + "\n")
        prefix = os.path.join(tmp, "spiece")
        subprocess.run(["/usr/bin/spm_train", f"--input={corpus}", f"--model_prefix={prefix}",
                        "--model_type=unigram", f"--vocab_size={VOCAB_SIZE}", "--bos_id=-1", "--eos_id=1",
                        "--unk_id=2", "--pad_id=0", "--character_coverage=1.0", "--seed_sentencepiece_size=100000",
                        "--num_threads=1", "--input_sentence_size=0", "--shuffle_input_sentence=false",
                        "--hard_vocab_limit=false", "--minloglevel=2"], check=True)
        with open(prefix + ".model", "rb") as src, open(os.path.join(HERE, "t5_spiece.model"), "wb") as dst:
            dst.write(src.read())


if __name__ == "__main__":
    main()
