# Every --codec round trips and is used: stored, zstd, lzma, zlib, flac (on a
# 16-bit WAV), auto; --level and --nn-windows are accepted.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
seq 1 60000 >src/text
head -c 5000 /dev/urandom >src/random
python3 - <<'PY'
import math, wave
w = wave.open("src/tone.wav", "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
w.writeframes(b"".join(int(9000 * math.sin(i * 0.031) + (i * 7919) % 61).to_bytes(2, "little", signed=True)
                       for i in range(48000)))
w.close()
PY
# codec id used in some chunk, per --codec (spec: stored 0 zstd 1 lzma 2 zlib 3 flac 4)
for pair in stored:0 zstd:1 lzma:2 zlib:3 flac:4 auto:; do
  codec=${pair%%:*} id=${pair#*:}
  "$NNTAR" -cf $codec.nna --codec $codec src
  if [ -n "$id" ]; then
    $PATCH dump $codec.nna | grep -q "codec $id " || fail "--codec $codec wrote no chunk with codec $id"
  fi
  mkdir out-$codec
  "$NNTAR" -xf $codec.nna -C out-$codec
  treecmp src out-$codec/src
done
json_check flac.nna "e['src/tone.wav']['transform'] == 'wav_pcm16'"
$PATCH dump stored.nna | grep -q "codec [1-9]" && fail "--codec stored used another codec"

"$NNTAR" -cf l1.nna --codec zstd --level 19 src
"$NNTAR" -cf l2.nna --codec lzma --level 9 src
"$NNTAR" -cf l3.nna --nn-windows 4 src
for a in l1 l2 l3; do "$NNTAR" --test -f $a.nna; done
expect_exit 2 err.txt "$NNTAR" -cf x.nna --codec brotli src
expect_in err.txt "brotli"
expect_exit 2 err.txt "$NNTAR" -cf x.nna --level 99 src
# One --level for zstd (to 22) and LZMA/zlib (to 9): refused for LZMA alone,
# and with auto a high level still lets LZMA compete (no silent storing).
expect_exit 2 err.txt "$NNTAR" -cf x.nna --codec lzma --level 19 src
expect_in err.txt "0 to 9"
"$NNTAR" -cf l4.nna -5 --level 19 src
$PATCH dump l4.nna | grep -q "codec 2 " || fail "--level 19 turned LZMA off"
[ ! -e x.nna ] || fail "archive written after a usage error"
