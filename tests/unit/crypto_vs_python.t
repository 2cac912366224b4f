#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Cross-check dnssec/crypto against an independent implementation.

python3-cryptography generates keys and signs seeded random data for every
supported DNSSEC algorithm; hashlib computes DS digests and NSEC3 hashes.
The vectors (valid ones and mutated ones) go to a file that the C test
binary test_dnssec_crypto checks when DNSSEC_CRYPTO_VECTORS names it. Its
TAP results are re-emitted here, one per vector.

  crypto_vs_python.t               run the cross-check (TAP)
  crypto_vs_python.t --bench FILE  write one valid vector per algorithm and
                                   key size over 100 octets of data (for
                                   bench/crypto_bench) and exit
"""
import hashlib
import os
import random
import subprocess
import sys
import tempfile

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:
    print("1..0 # SKIP python3-cryptography not installed")
    sys.exit(0)

SEED = 20261128
rng = random.Random(SEED)

RSA_HASH = {5: hashes.SHA1, 7: hashes.SHA1, 8: hashes.SHA256, 10: hashes.SHA512}
EC_CURVE = {13: (ec.SECP256R1, hashes.SHA256, 32), 14: (ec.SECP384R1, hashes.SHA384, 48)}
NAMES = {5: "RSASHA1", 7: "RSASHA1-NSEC3-SHA1", 8: "RSASHA256", 10: "RSASHA512",
         13: "ECDSAP256SHA256", 14: "ECDSAP384SHA384", 15: "ED25519", 16: "ED448"}


def rand_bytes(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def int_bytes(v, n=None):
    if n is None:
        n = (v.bit_length() + 7) // 8
    return v.to_bytes(n, "big")


class Key:
    """One key pair of algorithm alg and its DNSKEY RDATA."""

    def __init__(self, alg, bits=None, exponent=65537):
        self.alg = alg
        if alg in RSA_HASH:
            self.priv = rsa.generate_private_key(public_exponent=exponent, key_size=bits)
            nums = self.priv.public_key().public_numbers()
            e = int_bytes(nums.e)
            # RFC 3110 2: one length octet, or 0 and two octets past 255.
            head = bytes([len(e)]) if len(e) <= 255 else b"\0" + len(e).to_bytes(2, "big")
            self.pub = head + e + int_bytes(nums.n)
            self.desc = "%s-%d e=%d" % (NAMES[alg], bits, exponent)
        elif alg in EC_CURVE:
            curve, _, half = EC_CURVE[alg]
            # Seeded scalar: the same key on every run.
            scalar = rng.getrandbits(half * 8 - 8) | 1
            self.priv = ec.derive_private_key(scalar, curve())
            nums = self.priv.public_key().public_numbers()
            self.pub = int_bytes(nums.x, half) + int_bytes(nums.y, half)
            self.desc = NAMES[alg]
        elif alg == 15:
            self.priv = ed25519.Ed25519PrivateKey.from_private_bytes(rand_bytes(32))
            self.pub = self.priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            self.desc = NAMES[alg]
        else:
            self.priv = ed448.Ed448PrivateKey.from_private_bytes(rand_bytes(57))
            self.pub = self.priv.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            self.desc = NAMES[alg]
        self.rdata = self.rdata_with(self.pub)

    def rdata_with(self, pub, flags=257):
        return flags.to_bytes(2, "big") + bytes([3, self.alg]) + pub

    def sign(self, data):
        if self.alg in RSA_HASH:
            return self.priv.sign(data, padding.PKCS1v15(), RSA_HASH[self.alg]())
        if self.alg in EC_CURVE:
            _, h, half = EC_CURVE[self.alg]
            der = self.priv.sign(data, ec.ECDSA(h()))
            r, s = decode_dss_signature(der)
            return int_bytes(r, half) + int_bytes(s, half)  # RFC 6605 4
        return self.priv.sign(data)

    def der_sign(self, data):
        _, h, _ = EC_CURVE[self.alg]
        return self.priv.sign(data, ec.ECDSA(h()))


def flip(b, bit=None):
    if bit is None:
        bit = rng.randrange(len(b) * 8)
    out = bytearray(b)
    out[bit // 8] ^= 0x80 >> (bit % 8)
    return bytes(out)


def hx(b):
    return b.hex() if b else "-"


def rand_name():
    labels = []
    for _ in range(rng.randint(1, 5)):
        n = rng.randint(1, 20)
        labels.append(bytes(rng.choice(b"abcdefghijklmnopqrstuvwxyz0123456789-") for _ in range(n)))
    return b"".join(bytes([len(l)]) + l for l in labels) + b"\0"


def nsec3(name, salt, iterations):
    # RFC 5155 5, written from the RFC independently of the C code.
    h = hashlib.sha1(name + salt).digest()
    for _ in range(iterations):
        h = hashlib.sha1(h + salt).digest()
    return h


def make_keys():
    keys = [Key(5, 1024), Key(7, 1024), Key(8, 1024), Key(8, 2048), Key(8, 2048, 3),
            Key(10, 2048), Key(8, 4096), Key(13), Key(13), Key(14), Key(15), Key(15),
            Key(16), Key(16)]
    return keys


def sig_line(expect, rdata, data, sig, label):
    return "sig %s %s %s %s %s\n" % (expect, hx(rdata), hx(data), hx(sig), label)


def write_vectors(out):
    count = 0
    for key in make_keys():
        for i in range(4):
            data = rand_bytes(rng.randint(1, 700))
            sig = key.sign(data)
            tag = "%s #%d (%d octets)" % (key.desc, i, len(data))
            out.write(sig_line("valid", key.rdata, data, sig, tag + ": valid"))
            out.write(sig_line("invalid", key.rdata, data, flip(sig), tag + ": signature bit flipped"))
            out.write(sig_line("invalid", key.rdata, flip(data), sig, tag + ": data bit flipped"))
            out.write(sig_line("invalid", key.rdata, data + b"\0", sig, tag + ": data extended"))
            out.write(sig_line("invalid", key.rdata, data, sig[:-1], tag + ": signature truncated"))
            out.write(sig_line("invalid", key.rdata, data, sig + b"\0", tag + ": signature extended"))
            count += 6
            if key.alg in EC_CURVE:
                # A DER signature is not the r || s form RFC 6605 requires.
                out.write(sig_line("invalid", key.rdata, data, key.der_sign(data),
                                   tag + ": DER-encoded signature"))
                # Swapped r and s.
                half = len(sig) // 2
                out.write(sig_line("invalid", key.rdata, data, sig[half:] + sig[:half],
                                   tag + ": r and s swapped"))
                count += 2
        data = rand_bytes(100)
        sig = key.sign(data)
        if key.alg in EC_CURVE:
            # Flipping a bit of y leaves the point off the curve.
            bad = flip(key.pub, len(key.pub) * 8 - 3)
            out.write(sig_line("badkey", key.rdata_with(bad), data, sig, key.desc + ": key off the curve"))
        elif key.alg in RSA_HASH:
            # A middle modulus bit: still a valid-looking key, wrong one.
            bit = (len(key.pub) - len(key.pub) // 3) * 8 + 1
            out.write(sig_line("invalid", key.rdata_with(flip(key.pub, bit)), data, sig,
                               key.desc + ": modulus bit flipped"))
        else:
            out.write(sig_line("invalid", key.rdata_with(flip(key.pub, 9)), data, sig,
                               key.desc + ": public key bit flipped"))
        count += 1
        # DS digests (RFC 4034 5.1.4) of this key under a random owner.
        owner = rand_name()
        for dtype, fn in ((1, hashlib.sha1), (2, hashlib.sha256), (4, hashlib.sha384)):
            out.write("ds %d %s %s %s %s DS type %d\n" % (
                dtype, hx(owner), hx(key.rdata), fn(owner + key.rdata).hexdigest(), key.desc, dtype))
            count += 1
    for i in range(40):
        name = rand_name()
        salt = rand_bytes(rng.choice([0, 0, 1, 4, 8, 16, 255]))
        iterations = rng.choice([0, 1, 2, 10, 12, 150, 500])
        out.write("nsec3 %d %s %s %s NSEC3 #%d salt %d octets, %d iterations\n" % (
            iterations, hx(salt), hx(name), nsec3(name, salt, iterations).hex(), i,
            len(salt), iterations))
        count += 1
    return count


def write_bench(path):
    with open(path, "w") as out:
        for key in (Key(8, 1024), Key(8, 2048), Key(8, 4096), Key(5, 2048), Key(10, 2048),
                    Key(13), Key(14), Key(15), Key(16)):
            data = rand_bytes(100)
            label = NAMES[key.alg]
            if key.alg in RSA_HASH:
                label += "/%d" % key.priv.key_size
            out.write(sig_line("valid", key.rdata, data, key.sign(data), label))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--bench":
        write_bench(sys.argv[2])
        return 0
    binary = os.path.join(os.environ.get("OUTPUT", ".output"), "tests/unit/test_dnssec_crypto")
    if not os.access(binary, os.X_OK):
        print("1..0 # SKIP %s not built" % binary)
        return 0
    with tempfile.NamedTemporaryFile("w", prefix="dnssec-vectors-", suffix=".txt", delete=False) as f:
        path = f.name
        expected = write_vectors(f)
    try:
        proc = subprocess.run([binary], env=dict(os.environ, DNSSEC_CRYPTO_VECTORS=path),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600,
                              universal_newlines=True)
    finally:
        os.unlink(path)
    n = 0
    for line in proc.stdout.splitlines():
        if line.startswith("ok ") or line.startswith("not ok "):
            n += 1
            status, _, rest = line.partition(" - ")
            print("%s %d - %s" % ("not ok" if status.startswith("not") else "ok", n, rest))
        elif line.startswith("#"):
            print(line)
    n += 1
    print("%s %d - C side reported %d results for %d vectors, exit status %d" % (
        "ok" if proc.returncode == 0 and n - 1 == expected else "not ok", n, n - 1, expected,
        proc.returncode))

    # OpenSSL without a usable provider: failures must be XDPDNS_ECRYPTO
    # with a reason, never a verdict (the C side checks; we relay).
    with tempfile.NamedTemporaryFile("w", prefix="openssl-null-", suffix=".cnf", delete=False) as f:
        conf = f.name
        f.write("openssl_conf = openssl_init\n[openssl_init]\nproviders = provider_sect\n"
                "[provider_sect]\nnull = null_sect\n[null_sect]\nactivate = 1\n")
    try:
        proc = subprocess.run([binary], env=dict(os.environ, OPENSSL_CONF=conf,
                                                  DNSSEC_CRYPTO_NO_PROVIDER="1"),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60,
                              universal_newlines=True)
    finally:
        os.unlink(conf)
    results = 0
    for line in proc.stdout.splitlines():
        if line.startswith("ok ") or line.startswith("not ok "):
            n += 1
            results += 1
            status, _, rest = line.partition(" - ")
            print("%s %d - %s" % ("not ok" if status.startswith("not") else "ok", n, rest))
    n += 1
    print("%s %d - no-provider run: %d results, exit status %d" % (
        "ok" if proc.returncode == 0 and results > 0 else "not ok", n, results, proc.returncode))
    print("1..%d" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
