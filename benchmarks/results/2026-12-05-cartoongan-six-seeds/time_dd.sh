#!/bin/bash
# Run from an empty folder with the project's venv active. (The run recorded in times.txt printed bc's exit
# status as rc; this copy prints the command's. All four logs end at 600/600.)
# d_down 2 vs 3 alternately, twice each, alone on the machine
for r in 1 2; do
 for dd in 2 3; do
  uptime > up-$dd-$r.txt
  s=$(date +%s.%N)
  avatargan train cartoongan --recipe cartoongan_faces --steps 600 --set model.d_down=$dd \
    --set train.final_fid_n=0 --set train.final_judge_n=0 --out speed-$dd-$r > speed-$dd-$r.log 2>&1
  rc=$?
  e=$(date +%s.%N)
  echo "dd=$dd run=$r wall=$(echo "$e - $s" | bc) rc=$rc" >> times.txt
 done
done
