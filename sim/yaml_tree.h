/* A small YAML tree for the scenario loader: libyaml parses, this file keeps what
 * the loader needs and libyaml's document API lacks: the source and 1-based
 * line:col of every node (so every message can point at the text), a `used` flag
 * on every mapping key (so keys that nothing read are reported as unknown),
 * duplicate-key detection, and `--set dotted.path=value` overrides grafted into
 * the tree before validation. Pure code: no MPI, no globals. */
#ifndef AGORA_YAML_TREE_H
#define AGORA_YAML_TREE_H

#include <stddef.h>

#include "status.h"

typedef enum { YT_SCALAR, YT_SEQ, YT_MAP } yt_kind;

typedef struct yt_node yt_node;

typedef struct {
    yt_node *key; /* always a scalar */
    yt_node *value;
} yt_pair;

struct yt_node {
    yt_kind kind;
    const char *source; /* owned by the yt_doc: a file name or "--set k=v" */
    unsigned long line; /* 1-based; 0 for nodes that came from an override */
    unsigned long col;
    int used; /* set by the reader of the tree; meaningful on mapping keys */

    /* YT_SCALAR */
    char *text; /* NUL-terminated (may also hold NULs; see len) */
    size_t len;
    int plain; /* unquoted: only plain scalars can be numbers, booleans or null */

    /* YT_SEQ */
    yt_node **items;
    size_t n_items;

    /* YT_MAP, in document order */
    yt_pair *pairs;
    size_t n_pairs;
};

typedef struct {
    yt_node *root; /* a mapping when the text was empty */
    char **sources; /* every string a node's `source` points to */
    size_t n_sources;
} yt_doc;

/* Parses one YAML document. Syntax errors give "source:line:col: syntax: problem". */
agora_status yt_parse(yt_doc *doc, const char *text, size_t len, const char *source,
                      agora_error *err);

/* Applies "dotted.path=value": the value is parsed as a YAML flow node (a value
 * that is not flow YAML and does not start with [ { " ' is taken as a plain
 * string) and replaces or creates the node at path. Mapping keys along the path
 * are created when missing; numeric components index sequences (0-based).
 * Errors read "--set assignment: path: reason". */
agora_status yt_override(yt_doc *doc, const char *assignment, agora_error *err);

void yt_free(yt_doc *doc);

/* The pair with that key in a mapping, or NULL. Does not mark it used. */
yt_pair *yt_map_find(const yt_node *map, const char *key);

/* True for a plain empty scalar, ~ and null: YAML's way of saying nothing. */
int yt_is_null(const yt_node *n);

/* buf = "parent.child" (just "child" when parent is empty), cut to fit. */
void yt_child_path(char *buf, size_t size, const char *parent, const char *child);

/* Writes "source:line:col" (or just the source for override nodes) to buf. */
void yt_where(const yt_node *n, char *buf, size_t size);

/* Describes a node for "expected X, got Y" messages: "a list", "nothing", ... */
void yt_describe(const yt_node *n, char *buf, size_t size);

#endif
