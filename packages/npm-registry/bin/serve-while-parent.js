#!/usr/bin/env node
// Runs Verdaccio in this process for as long as the process that started it
// lives: `node serve-while-parent.js <parent pid> <folder> <verdaccio bin> <args...>`.
// When the parent is gone (it exited, was killed, or its exit and signal
// handlers never ran, as in a Jest sandbox), this process removes the
// registry's folder and exits: an interrupted test leaves no server and no
// folder behind.
"use strict";
const fs = require("node:fs");

const [, , parentPid, dir, bin, ...args] = process.argv;
const parent = Number(parentPid);
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }
}, 300).unref();

process.argv = [process.argv[0], bin, ...args];
require(bin);
