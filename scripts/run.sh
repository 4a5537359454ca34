#!/bin/sh
# `make run`: import the shipped content into ./var/remitline.db, show a few real answers, and
# start the gateway on its embedded default, Gammu's dummy phone in ./var/phone (no modem
# needed). Stop it with Ctrl-C.
set -eu
bin=$1
"$bin" import
for q in "FEE USA MEX" "RATE USD PHP" "HELP"; do
    printf '\n> %s\n' "$q"
    "$bin" ask "$q"
done
cat <<TXT

remitline is starting on the dummy phone in ./var/phone. In another terminal, text it:

    $bin phone +639171234567 "FEE USA PHL 200"
    $bin phone +14155550100 "RATE USD MXN"
    $bin log
    $bin status

TXT
exec "$bin" run
