# 16-bit PCM WAV (mono and stereo) round trip exactly through wav_pcm16,
# with auto and with flac.
set -eu
. "$TESTDATA/cli/lib.sh"

mkdir src
python3 "$CLI/formats/gen.py" wav src/mono.wav
python3 "$CLI/formats/gen.py" wav2 src/stereo.wav
for codec in auto flac stored; do
  "$NNTAR" -cf $codec.nna --codec $codec src
  json_check $codec.nna "e['src/mono.wav']['transform'] == 'wav_pcm16' and e['src/stereo.wav']['transform'] == 'wav_pcm16'"
  mkdir out-$codec
  "$NNTAR" -xf $codec.nna -C out-$codec
  treecmp src out-$codec/src
done
"$NNTAR" -tvf auto.nna --json | python3 -c "import json, sys; d = json.load(sys.stdin); assert [x['transform'] for x in d['entries'] if x['path'] == 'src/mono.wav'] == ['wav_pcm16']" ||
  fail "-tvf --json: transform of src/mono.wav"
$PATCH dump flac.nna | grep -q "codec 4 " || fail "--codec flac wrote no flac chunk"
# A WAV with a trailing chunk after the data.
{ cat src/mono.wav; printf 'LIST\004\000\000\000abcd'; } >src/trailer.wav
"$NNTAR" -cf t.nna src
mkdir out-t
"$NNTAR" -xf t.nna -C out-t
treecmp src out-t/src
