#!/bin/bash
# Issue 15's people, through the real binary on the shipped content: a Nepali worker in Doha,
# romanised and in Devanagari; the same question in Arabic with Arabic-Indic digits; a Filipino
# in Jeddah asking the riyal in pesos; Hinglish, Bengali, Urdu, Swahili, Indonesian. Each gets a
# right answer that names its source and date, in one SMS, in the script it was asked in.
. "$(dirname "$0")/lib.inc"

# ask FROM TEXT: the reply on stdout, "-v" details (coding, parts) in $WORK/v.err.
ask() {
    "$RL" ask -v --from "$1" "$2" 2>"$WORK/v.err" || fail "ask '$2' failed: $(cat "$WORK/v.err")"
}
one_sms() {
    expect_contains "$1: one SMS" "parts=1" "$(cat "$WORK/v.err")"
}

# First use imports the shipped content.
"$RL" ask HELP >/dev/null 2>&1 || fail "first ask failed"

out=$(ask +97455501234 "doha bata nepal paisa pathauna kati lagchha")
expect_contains "doha bata nepal" "Qatar>Nepal USD200: ausat kharcha 4.6%" "$out"
expect_contains "doha bata nepal: sourced and dated" "WB 2020Q3, ECB+NRB 13Apr26" "$out"
expect_contains "doha bata nepal: Nepali" "lang=ne" "$(cat "$WORK/v.err")"
one_sms "doha bata nepal"

out=$(ask +97455501234 "قطر نيبال ٥٠٠")
expect_contains "qatar nepal in Arabic" "QAT>NPL QAR500: التكلفة 4.6% (QAR23.21). WB 2020Q3" "$out"
expect_contains "qatar nepal: Arabic" "lang=ar" "$(cat "$WORK/v.err")"
expect_contains "qatar nepal: UCS-2" "coding=UCS-2" "$(cat "$WORK/v.err")"
one_sms "qatar nepal in Arabic"

out=$(ask +97455501234 "कतार बाट नेपाल ५०० रियाल पठाउन कति लाग्छ")
expect_contains "Devanagari" "QAT>NPL QAR500: खर्च 4.6%" "$out"
expect_contains "Devanagari: sourced" "WB 2020Q3" "$out"
one_sms "Devanagari"

out=$(ask +966501234567 "RATE riyal piso")
expect_contains "RATE riyal piso" "1 SAR = 16.0575 PHP (SAMA+ECB 13Apr26, derived)" "$out"
one_sms "RATE riyal piso"

# The pegs answer through the ECB's dollar rate, labelled as derived.
out=$(ask +971501234567 "RATE AED INR")
expect_contains "RATE AED INR" "1 AED = 25.4133 INR (CBUAE+ECB 13Apr26, derived)" "$out"
out=$(ask +966501234567 "FEE SAU PHL 1000 SAR")
expect_contains "FEE SAU PHL 1000 SAR" "Saudi Arabia>Philippines SAR1000: avg cost 3.6%" "$out"
expect_contains "FEE SAU PHL: the arriving pesos through the peg" "SAMA+ECB 13Apr26" "$out"
out=$(ask +9779801234567 "RATE INR NPR")
expect_contains "RATE INR NPR" "1 INR = 1.6 NPR (NRB" "$out"
out=$(ask +97455501234 "RATE QAR NPR")
expect_contains "RATE QAR NPR" "(QCB+ECB+NRB 13Apr26, derived)" "$out"

# The other languages, each in its own words.
out=$(ask +971501234567 "dubai se india paise bhejne ka kitna lagta hai")
expect_contains "Hinglish" "United Arab Emirates>India USD200: ausat kharcha 3.0%" "$out"
one_sms "Hinglish"
out=$(ask +971501234567 "دبئی سے پاکستان پیسے بھیجنے کا کتنا خرچ")
expect_contains "Urdu" "خرچ 4.1%" "$out"
one_sms "Urdu"
out=$(ask +966501234567 "সৌদি থেকে বাংলাদেশে টাকা পাঠাতে কত খরচ")
expect_contains "Bengali" "খরচ 4.0% (USD8.02). WB 2020Q3" "$out"
one_sms "Bengali"
out=$(ask +966501234567 "kam t7wel mn el sa3odeya l masr")
expect_contains "Arabizi" "Saudi Arabia>Egypt USD200: motawaset el taklefa 4.1%" "$out"
out=$(ask +255712345678 "kutuma pesa kutoka tanzania kwenda kenya ni bei gani")
expect_contains "Swahili" "Tanzania>Kenya USD200: gharama wastani 19.0%" "$out"
out=$(ask +60123456789 "kirim uang dari malaysia ke indonesia berapa biayanya")
expect_contains "Indonesian" "Malaysia>Indonesia USD200: biaya rata-rata 5,4%" "$out"
out=$(ask +97455501234 "LANG NE")
expect_contains "LANG NE" "Huncha, aba Nepali ma uttar" "$out"
out=$(ask +97455501234 "नेपाली भाषा")
expect_contains "LANG in Devanagari" "हुन्छ, अब नेपालीमा उत्तर" "$out"
done_ok
