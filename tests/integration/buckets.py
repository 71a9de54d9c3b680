"""Log bucket files written and read independently of shoal's code, from specs/swarm.md §3.3 and
man/logfiles-bucket.5: the legacy, v1 and v2 record formats, the parity byte and CRC-32C."""

import struct


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def parity(key, length):
    p = key ^ length
    p ^= p >> 32
    p ^= p >> 16
    p ^= p >> 8
    return p & 0xFF


def header(fmt):
    return b"" if fmt == "legacy" else struct.pack("<Q", 1 if fmt == "v1" else 2) + b"DLSBUCKT"


def record(fmt, key, value):
    if fmt == "legacy":
        return struct.pack("<QQ", key, len(value)) + value
    head = struct.pack("<QQB", key, len(value), parity(key, len(value)))
    if fmt == "v1":
        return head + value
    return head + struct.pack("<I", crc32c(value, crc32c(head))) + value


def read_records(data):
    """An independent reader: (format, [(key, value)]) of a clean file; asserts it is clean."""
    fmt = "legacy"
    pos = 0
    if len(data) >= 16 and data[8:16] == b"DLSBUCKT":
        fmt = {1: "v1", 2: "v2"}[struct.unpack_from("<Q", data)[0]]
        pos = 16
    hsize = {"legacy": 16, "v1": 17, "v2": 21}[fmt]
    out = []
    while pos < len(data):
        key, length = struct.unpack_from("<QQ", data, pos)
        value = data[pos + hsize:pos + hsize + length]
        assert len(value) == length, f"torn record at {pos}"
        assert record(fmt, key, value) == data[pos:pos + hsize + length], f"bad record at {pos}"
        out.append((key, value))
        pos += hsize + length
    return fmt, out
