#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Self-test of bench/bench.py's ceiling arithmetic (ceiling(), causal()),
with the simulator's full-speed USB and H74x internal-flash figures written
out here (qdfu-bench-constants prints the same), so the expected numbers
are worked by hand, not by the code under test. No simulator is run."""
import importlib.util
import math
import os
import random
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)

KIB = 1024
SECTOR = 128 * KIB
CONSTS = {
    "usb": {"fs": {"ctrl_bt": 45, "packet_bt": 13, "byte_ns": 666.6667, "mps": 64}},
    "iflash": {"h74x": {"sector": SECTOR, "erase_typ_us": 1100000, "erase_max_us": 2200000,
                        "word": 32, "program_typ_us": 16, "program_max_us": 600}},
    "chips": {"X": {"size": 8 << 20, "pp_typ_us": 400, "pp_max_us": 3000,
                    "erase": [{"size": 4096, "typ_ms": 45, "max_ms": 400},
                              {"size": 65536, "typ_ms": 150, "max_ms": 2000}]},
              # a block's program (4.96 ms) between a DNLOAD and a chunk
              "Y": {"size": 8 << 20, "pp_typ_us": 300, "pp_max_us": 3000,
                    "erase": [{"size": 65536, "typ_ms": 150, "max_ms": 2000}]}},
    "crc_unit": {"cycles_per_word": 4, "ahb_hz": 200000000},
    "qspi_kernel_hz": 200000000,
}
BOARD = {"chip": "X", "dual": False, "clock": 100000000, "read_cpb": 2.0, "iflash": 2 << 20,
         "iflash_sector": SECTOR, "line": "h74x"}


def ctrl(n):
    """A full-speed control transfer of n data bytes, seconds (by hand)."""
    packets = max(1, math.ceil(n / 64))
    return (45 + n + 13 * (packets - 1)) * 666.6667e-9


GS = ctrl(6)
CMD = ctrl(5) + 2 * GS + 0.001  # erase command or SET_ADDRESS, dfu-util
DNLOAD = ctrl(4096) + 2 * GS + 0.001
CHUNK = CMD + DNLOAD
PROTO_8 = 8 * CMD + 256 * CHUNK  # 1 MiB: 8 erase commands, 256 chunks


def model(timing="typ"):
    return bench.Model(CONSTS, BOARD, None, "fs", timing)


def pages(changed, blank=False, n=8, bank=lambda i: 0):
    return [(SECTOR, i in changed, blank, bank(i)) for i in range(n)]


class Ceiling(unittest.TestCase):
    def test_protocol_total(self):
        m = model()
        self.assertAlmostEqual(bench.ceiling(m, True, pages(()), "dfu-util"), PROTO_8, 12)
        self.assertAlmostEqual(bench.causal(m, True, pages(()), "dfu-util"), PROTO_8, 12)
        # pydfu does not sleep
        bare = 8 * (ctrl(5) + 2 * GS) + 256 * (ctrl(5) + ctrl(4096) + 4 * GS)
        self.assertAlmostEqual(bench.causal(m, True, pages(()), "pydfu"), bare, 12)

    def test_changed_sector_late(self):
        """The brief's example: the 6th of 8 sectors changed. Its first block
        arrives after 8 erase commands, 5 sectors of chunks and its own
        SET_ADDRESS; all of its blocks are in before the 1.1 s erase ends,
        then 32 blocks of 128 words at 16 us."""
        m = model()
        p = pages((5,))
        arrive = 8 * CMD + 5 * 32 * CHUNK + CMD
        want = arrive + 1.1 + 32 * 128 * 16e-6
        self.assertAlmostEqual(bench.causal(m, True, p, "dfu-util"), want, 9)
        self.assertAlmostEqual(want, 2.05, 2)
        self.assertAlmostEqual(bench.ceiling(m, True, p, "dfu-util"), PROTO_8, 9)

    def test_qdfu_internal_checks_through_the_crc_unit(self):
        """qdfu proves internal flash unchanged with device CRCs: every byte
        through the CRC unit, 4 AHB cycles a word at 200 MHz (5 ns a byte),
        1 MiB in 5.24 ms; more than its 16 CRC requests take on the bus.
        dfu-util compares reads, which are not charged."""
        m = model()
        want = 8 * SECTOR * 5e-9
        self.assertAlmostEqual(bench.ceiling(m, True, pages(()), "qdfu"), want, 12)
        self.assertGreater(want, 8 * 2 * ctrl(12))
        # one changed sector: its erase, program and CRC read-back besides
        p = pages((3,))
        self.assertAlmostEqual(bench.ceiling(m, True, p, "qdfu"),
                               want + 1.1 + 32 * 128 * 16e-6 + SECTOR * 5e-9, 9)
        self.assertAlmostEqual(bench.ceiling(m, True, pages(()), "dfu-util"), PROTO_8, 12)

    def test_changed_sector_first(self):
        """Early: the erase and program end long before the protocol does."""
        m = model()
        self.assertAlmostEqual(bench.causal(m, True, pages((0,)), "dfu-util"), PROTO_8, 9)

    def test_blocks_wait_for_their_data(self):
        """Fresh last sector, maximum timings: 76.8 ms per block, slower than
        the client sends, so the blocks queue behind the first one."""
        m = model("max")
        first = 8 * CMD + 7 * 32 * CHUNK + CMD
        want = first + 32 * 128 * 600e-6
        self.assertAlmostEqual(bench.causal(m, True, pages((7,), blank=True), "dfu-util"),
                               want, 9)

    def test_nor(self):
        """One QSPI chip, 16 pages of 64 KiB, the last changed: a 150 ms block
        erase, then 16 blocks of 16 page programs (400 us) plus the block
        on the bus (1-1-4 at 100 MHz: 2 clocks a byte) and its read-back."""
        m = model()
        p = [(64 * KIB, i == 15, False) for i in range(16)]
        arrive = 16 * CMD + 15 * 16 * CHUNK + CMD
        bus = 4096 * 2 / 100e6
        want = arrive + 0.150 + 16 * (16 * 400e-6 + bus + bus)
        self.assertAlmostEqual(bench.causal(m, False, p, "dfu-util"), want, 9)
        self.assertAlmostEqual(bench.ceiling(m, False, p, "dfu-util"), 16 * CMD + 256 * CHUNK, 9)

    def test_last_block_after_its_data(self):
        """A fresh chip whose block program plus read-back (4.96 ms) is
        shorter than a chunk but longer than a DNLOAD: the programs keep up,
        and the last one starts when the last block arrives, so the device
        ends 0.56 ms after the protocol."""
        m = bench.Model(CONSTS, BOARD, "Y", "fs", "typ")
        p = [(64 * KIB, i == 15, True) for i in range(16)]
        bus = 4096 * 2 / 100e6
        last = 16 * CMD + 255 * CHUNK + CMD
        want = last + 16 * 300e-6 + bus + bus
        self.assertAlmostEqual(bench.causal(m, False, p, "dfu-util"), want, 9)
        self.assertGreater(want, 16 * CMD + 256 * CHUNK + 0.0005)

    def test_banks(self):
        """Every sector changed, four in each bank: bank 2's data comes after
        bank 1's, so its four erases start at its first block."""
        m = model()
        p = pages(range(8), bank=lambda i: i // 4)
        work = 1.1 + 32 * 128 * 16e-6
        self.assertAlmostEqual(bench.ceiling(m, True, p, "dfu-util"), 4 * work, 9)
        want = 8 * CMD + 4 * 32 * CHUNK + CMD + 4 * work
        self.assertAlmostEqual(bench.causal(m, True, p, "dfu-util"), want, 9)
        serial = bench.causal(m, True, p, "dfu-util", parallel=False)
        self.assertAlmostEqual(serial, 8 * CMD + CMD + 8 * work, 9)

    def test_qdfu_unchanged(self):
        m = model()
        for p in (pages((3,)), pages(range(8), bank=lambda i: i // 4)):
            self.assertEqual(bench.causal(m, True, p, "qdfu"), bench.ceiling(m, True, p, "qdfu"))

    def test_never_under_ceiling(self):
        """Random page sets, both memories, every client: causal >= ceiling
        (causal() also asserts it), and a changed page moved later never
        lowers the causal ceiling."""
        rnd = random.Random(5)
        for timing in ("typ", "max"):
            m = model(timing)
            for internal in (True, False):
                for _ in range(40):
                    n = rnd.randint(1, 16)
                    p = [(SECTOR if internal else 64 * KIB, rnd.random() < 0.3,
                          rnd.random() < 0.5, rnd.randint(0, 1)) for _ in range(n)]
                    for client in ("qdfu", "dfu-util", "pydfu", "fwupd"):
                        c = bench.ceiling(m, internal, p, client)
                        self.assertGreaterEqual(bench.causal(m, internal, p, client), c)
                last = 0.0
                for at in range(8):
                    now = bench.causal(m, internal, pages((at,)), "dfu-util")
                    self.assertGreaterEqual(now, last - 1e-12)
                    last = now


if __name__ == "__main__":
    sys.exit(unittest.main())
