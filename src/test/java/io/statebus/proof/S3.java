package io.statebus.proof;

/** Three states: the smallest alphabet in which a chain ({@code next.from == prev.to}) can break. */
public enum S3
{
    A, B, C
}
