"""Writes independent.safetensors with nothing but struct + json, plus the values it holds in
independent.expected.json, so the C# reader is checked against a writer that shares no code with it.
Also writes linear.safetensors (weight [2, 3], bias [2] of an nn.Linear(3, 2)) with one input and the
output y = x W^T + b computed here in double precision, in linear.expected.json.

Regenerate with: /usr/bin/python3 make_independent_fixture.py  (run in this folder)
"""
import json
import struct


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def bf16_value(bits):
    return struct.unpack("<f", struct.pack("<I", bits << 16))[0]


# name -> (dtype, shape, packed bytes, values as Python sees them)
tensors = {}


def add(name, dtype, shape, fmt, values):
    data = b"".join(struct.pack("<" + fmt, v) for v in values)
    # Floats round-trip through their own format, so the expected value is exactly what the bytes hold.
    decoded = [struct.unpack("<" + fmt, struct.pack("<" + fmt, v))[0] for v in values]
    tensors[name] = (dtype, shape, data, decoded)


add("text.double", "F64", [2, 2], "d", [1.0 / 3.0, -2.5, 1e-300, 123456789.125])
add("layer.weight", "F32", [2, 3], "f", [0.1, -1.5, 3.25, 1e-7, -0.0, 65504.0])
add("layer.half", "F16", [3], "e", [0.5, -2.0, 0.1])
bf16_bits = [f32_bits(v) >> 16 for v in [1.0, -0.3, 3.0e38, 7.5]]
tensors["layer.bf16"] = ("BF16", [2, 2], b"".join(struct.pack("<H", b) for b in bf16_bits),
                         [bf16_value(b) for b in bf16_bits])
add("ids.i64", "I64", [2], "q", [-9007199254740993, 2**62 + 1])
add("ids.i32", "I32", [3], "i", [-2**31, 2**31 - 1, 7])
add("ids.i16", "I16", [3], "h", [-32768, 32767, -1])
add("ids.i8", "I8", [3], "b", [-128, 127, 0])
add("ids.u8", "U8", [3], "B", [0, 255, 42])
tensors["mask"] = ("BOOL", [4], bytes([1, 0, 0, 1]), [True, False, False, True])
add("scale", "F32", [], "f", [2.5])
add("empty", "F32", [0, 3], "f", [])

metadata = {"format": "pt", "note": "written by struct+json"}
header = {"__metadata__": metadata}
offset = 0
for name, (dtype, shape, data, _) in tensors.items():
    header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
    offset += len(data)

header_bytes = json.dumps(header).encode("utf-8")
header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
with open("independent.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(header_bytes)))
    f.write(header_bytes)
    for _, (_, _, data, _) in tensors.items():
        f.write(data)

expected = {
    "metadata": metadata,
    "tensors": {name: {"dtype": dtype, "shape": shape, "values": values}
                for name, (dtype, shape, _, values) in tensors.items()},
}
with open("independent.expected.json", "w") as f:
    json.dump(expected, f, indent=1)
    f.write("\n")


linear_weight = [0.25, -0.5, 1.0, 2.0, 0.125, -0.75]
linear_bias = [0.5, -1.0]
linear_header = {
    "bias": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
    "weight": {"dtype": "F32", "shape": [2, 3], "data_offsets": [8, 32]},
}
linear_bytes = json.dumps(linear_header, separators=(",", ":")).encode("utf-8")
linear_bytes += b" " * ((8 - len(linear_bytes) % 8) % 8)
with open("linear.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(linear_bytes)))
    f.write(linear_bytes)
    f.write(struct.pack("<2f", *linear_bias))
    f.write(struct.pack("<6f", *linear_weight))

x = [1.5, -2.0, 0.5]
y = [sum(x[j] * linear_weight[3 * i + j] for j in range(3)) + linear_bias[i] for i in range(2)]
with open("linear.expected.json", "w") as f:
    json.dump({"input": x, "output": y}, f)
    f.write("\n")
