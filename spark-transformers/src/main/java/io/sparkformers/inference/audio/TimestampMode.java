package io.sparkformers.inference.audio;

/** The ASR pipeline's return_timestamps for CTC models: none, "char" or "word". */
public enum TimestampMode { NONE, CHAR, WORD }
