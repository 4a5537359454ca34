#!/bin/sh
# `make run`: import the shipped content into ./var/remitline.db and show real answers.
# (The SMS daemon, `remitline run` on Gammu's dummy phone, arrives with issue #3; until then
# this prints what a phone would receive.)
set -eu
bin=$1
"$bin" import
for q in "FEE USA MEX" "RATE USD PHP" "HELP" "FRAIS FRANCE SENEGAL 100 EUR" "GUIDE PHL"; do
    printf '\n> %s\n' "$q"
    "$bin" ask -v "$q"
done
printf '\nTry your own: %s ask "FEE FROM USA TO PHILIPPINES 300"\n' "$bin"
