/* The scenario loader's YAML tree: libyaml's document API turned into yt_nodes that
 * remember where they came from, plus duplicate-key detection and --set overrides.
 * See yaml_tree.h. */
#include "yaml_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* Deeper nesting than this is no scenario; the limit keeps recursion bounded,
 * including for self-referencing aliases (`&a [*a]`), which libyaml accepts. */
#define YT_MAX_DEPTH 64
/* Aliases may repeat a subtree; copies beyond the document's own nodes are capped
 * so that an alias bomb cannot exhaust memory. */
#define YT_MAX_ALIAS_COPIES 1000000
#define YT_PATH_MAX 256

/* ---- nodes ---------------------------------------------------------------- */

static void node_free(yt_node *n)
{
    if (!n)
        return;
    free(n->text);
    for (size_t i = 0; i < n->n_items; i++)
        node_free(n->items[i]);
    free(n->items);
    for (size_t i = 0; i < n->n_pairs; i++) {
        node_free(n->pairs[i].key);
        node_free(n->pairs[i].value);
    }
    free(n->pairs);
    free(n);
}

static yt_node *node_new(yt_kind kind, const char *source, unsigned long line,
                         unsigned long col)
{
    yt_node *n = calloc(1, sizeof *n);
    if (n) {
        n->kind = kind;
        n->source = source;
        n->line = line;
        n->col = col;
    }
    return n;
}

static yt_node *scalar_new(const char *text, size_t len, int plain, const char *source,
                           unsigned long line, unsigned long col)
{
    yt_node *n = node_new(YT_SCALAR, source, line, col);
    if (!n)
        return NULL;
    n->text = malloc(len + 1);
    if (!n->text) {
        free(n);
        return NULL;
    }
    memcpy(n->text, text, len);
    n->text[len] = '\0';
    n->len = len;
    n->plain = plain;
    return n;
}

static int map_append(yt_node *map, yt_node *key, yt_node *value)
{
    yt_pair *p = realloc(map->pairs, (map->n_pairs + 1) * sizeof *p);
    if (!p)
        return -1;
    map->pairs = p;
    map->pairs[map->n_pairs].key = key;
    map->pairs[map->n_pairs].value = value;
    map->n_pairs++;
    return 0;
}

/* The doc owns every source string so that nodes can point at them freely. */
static const char *add_source(yt_doc *doc, const char *prefix, const char *name)
{
    size_t n = strlen(prefix) + strlen(name) + 1;
    char *s = malloc(n);
    char **list = realloc(doc->sources, (doc->n_sources + 1) * sizeof *list);
    if (!s || !list) {
        free(s);
        if (list)
            doc->sources = list;
        return NULL;
    }
    snprintf(s, n, "%s%s", prefix, name);
    doc->sources = list;
    doc->sources[doc->n_sources++] = s;
    return s;
}

/* ---- small public helpers ---------------------------------------------------- */

yt_pair *yt_map_find(const yt_node *map, const char *key)
{
    if (!map || map->kind != YT_MAP)
        return NULL;
    size_t klen = strlen(key);
    for (size_t i = 0; i < map->n_pairs; i++) {
        const yt_node *k = map->pairs[i].key;
        if (k->len == klen && memcmp(k->text, key, klen) == 0)
            return &map->pairs[i];
    }
    return NULL;
}

int yt_is_null(const yt_node *n)
{
    if (!n || n->kind != YT_SCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
           strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0;
}

void yt_where(const yt_node *n, char *buf, size_t size)
{
    if (n->line == 0)
        snprintf(buf, size, "%s", n->source);
    else
        snprintf(buf, size, "%s:%lu:%lu", n->source, n->line, n->col);
}

/* At most `max` bytes of text, with control characters written as escapes, so a
 * quoted value never breaks the one-line message it appears in (a multi-line
 * scalar or a quoted "\n" would). Stops early, at a character boundary, when
 * buf is full; returns the number of text bytes shown. */
static size_t escape_into(char *buf, size_t size, const char *text, size_t len, size_t max)
{
    size_t out = 0, i = 0;
    for (; i < len && i < max; i++) {
        unsigned char c = (unsigned char)text[i];
        char esc[8] = {(char)c, '\0'};
        if (c == '\n' || c == '\r' || c == '\t')
            snprintf(esc, sizeof esc, "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        size_t n = strlen(esc);
        if (out + n + 1 > size)
            break;
        memcpy(buf + out, esc, n);
        out += n;
    }
    /* Do not end inside a UTF-8 sequence: the message stays valid UTF-8. */
    while (i < len && out > 0 && ((unsigned char)text[i] & 0xC0) == 0x80 &&
           ((unsigned char)buf[out - 1] & 0x80)) {
        out--;
        i--;
    }
    buf[out] = '\0';
    return i;
}

void yt_describe(const yt_node *n, char *buf, size_t size)
{
    if (n->kind == YT_SEQ) {
        snprintf(buf, size, "a list");
    } else if (n->kind == YT_MAP) {
        snprintf(buf, size, "a mapping");
    } else if (yt_is_null(n)) {
        snprintf(buf, size, "nothing");
    } else {
        const char *prefix = n->plain ? "" : "the quoted string ";
        size_t head = strlen(prefix) + 1, tail = sizeof "...\"";
        if (size <= head + tail) {
            snprintf(buf, size, "%s", n->plain ? "a value" : "a quoted string");
            return;
        }
        snprintf(buf, size, "%s\"", prefix);
        size_t shown = escape_into(buf + head, size - head - tail + 1, n->text, n->len, 40);
        strcat(buf, shown < n->len ? "...\"" : "\"");
    }
}

/* parent.child, cut to fit: a long key only shortens a message. */
void yt_child_path(char *buf, size_t size, const char *parent, const char *child)
{
    size_t n = 0;
    for (const char *p = parent; *p && n + 1 < size; p++)
        buf[n++] = *p;
    if (parent[0] && n + 1 < size)
        buf[n++] = '.';
    for (const char *p = child; *p && n + 1 < size; p++)
        buf[n++] = *p;
    buf[n] = '\0';
}

/* ---- libyaml document -> tree ---------------------------------------------------- */

typedef struct {
    yaml_document_t *ydoc;
    const char *source;
    int tagged;    /* the text gives a tag (prescan): the node starting at tag_at */
    size_t tag_at;
    int from_override; /* nodes get no line:col: an override has no lines */
    size_t budget;     /* nodes we may still create */
    agora_error *err;
} converter;

static void conv_mark(const converter *c, const yaml_node_t *yn, unsigned long *line,
                      unsigned long *col)
{
    *line = c->from_override ? 0 : (unsigned long)yn->start_mark.line + 1;
    *col = c->from_override ? 0 : (unsigned long)yn->start_mark.column + 1;
}

static agora_status conv_fail(converter *c, const yaml_node_t *yn, const char *path,
                              const char *reason)
{
    unsigned long line, col;
    conv_mark(c, yn, &line, &col);
    if (line == 0)
        return agora_fail(c->err, AGORA_EINPUT, "%s: %s: %s", c->source, path, reason);
    return agora_fail(c->err, AGORA_EINPUT, "%s:%lu:%lu: %s: %s", c->source, line, col,
                      path, reason);
}

static agora_status convert(converter *c, yaml_node_t *yn, const char *path, int depth,
                            yt_node **out);

static agora_status convert_seq(converter *c, yaml_node_t *yn, const char *path, int depth,
                                yt_node *n)
{
    yaml_node_item_t *start = yn->data.sequence.items.start;
    size_t count = (size_t)(yn->data.sequence.items.top - start);
    n->items = count ? calloc(count, sizeof *n->items) : NULL;
    if (count && !n->items)
        return agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    for (size_t i = 0; i < count; i++) {
        char sub[YT_PATH_MAX];
        char idx[24];
        snprintf(idx, sizeof idx, "%zu", i);
        yt_child_path(sub, sizeof sub, path, idx);
        yaml_node_t *child = yaml_document_get_node(c->ydoc, start[i]);
        agora_status st = convert(c, child, sub, depth + 1, &n->items[i]);
        if (st != AGORA_OK)
            return st;
        n->n_items++;
    }
    return AGORA_OK;
}

typedef struct {
    const yt_node *key;
    size_t index;
} key_ref;

static int key_ref_cmp(const void *a, const void *b)
{
    const key_ref *x = a, *y = b;
    size_t n = x->key->len < y->key->len ? x->key->len : y->key->len;
    int c = memcmp(x->key->text, y->key->text, n);
    if (c)
        return c;
    if (x->key->len != y->key->len)
        return x->key->len < y->key->len ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* libyaml keeps duplicate keys; a scenario must not, or which one wins would be
 * a silent accident. Sorting keeps this O(n log n) for huge mappings; the error
 * names the earliest repeat in document order. */
static agora_status check_duplicates(converter *c, const yt_node *map, const char *path)
{
    if (map->n_pairs < 2)
        return AGORA_OK;
    key_ref *refs = malloc(map->n_pairs * sizeof *refs);
    if (!refs)
        return agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    for (size_t i = 0; i < map->n_pairs; i++) {
        refs[i].key = map->pairs[i].key;
        refs[i].index = i;
    }
    qsort(refs, map->n_pairs, sizeof *refs, key_ref_cmp);
    size_t first = 0, repeat = map->n_pairs;
    for (size_t i = 1; i < map->n_pairs; i++) {
        const yt_node *a = refs[i - 1].key, *b = refs[i].key;
        if (a->len == b->len && memcmp(a->text, b->text, a->len) == 0 &&
            refs[i].index < repeat) {
            size_t j = i - 1;
            while (j > 0 && refs[j - 1].key->len == b->len &&
                   memcmp(refs[j - 1].key->text, b->text, b->len) == 0)
                j--;
            first = refs[j].index;
            repeat = refs[i].index;
        }
    }
    free(refs);
    if (repeat == map->n_pairs)
        return AGORA_OK;
    const yt_node *k1 = map->pairs[first].key, *k2 = map->pairs[repeat].key;
    char sub[YT_PATH_MAX], where[YT_PATH_MAX + 64];
    yt_child_path(sub, sizeof sub, path, k2->text);
    yt_where(k2, where, sizeof where);
    if (k1->line == 0)
        return agora_fail(c->err, AGORA_EINPUT, "%s: %s: duplicate key", where, sub);
    return agora_fail(c->err, AGORA_EINPUT, "%s: %s: duplicate key (first given at line %lu)",
                      where, sub, k1->line);
}

/* Whether this is the node the text tags (see prescan). libyaml's document
 * gives an untagged node the default tag of its kind, and one tagged `!!str`,
 * `!!seq` or `!!map` the same, so only the events say which nodes carry one.
 * Tags are refused, not dropped: `!!str 2` would read as the number 2 and
 * `!!int "3"` as text. */
static int has_tag(const converter *c, const yaml_node_t *yn)
{
    if (!c->tagged || yn->start_mark.index != c->tag_at)
        return 0;
    if (yn->type == YAML_MAPPING_NODE && yn->data.mapping.pairs.top > yn->data.mapping.pairs.start) {
        /* A block mapping starts where its first key does: that key's tag is its own. */
        yaml_node_t *first = yaml_document_get_node(c->ydoc, yn->data.mapping.pairs.start->key);
        if (first && first->start_mark.index == c->tag_at)
            return 0;
    }
    return 1;
}

static const char TAG_REFUSED[] = "YAML tags (`!!int`, `!name`) are not read: remove the tag";

static agora_status convert_key(converter *c, yaml_node_t *yk, const char *path,
                                yt_node **out)
{
    if (yk->type != YAML_SCALAR_NODE)
        return conv_fail(c, yk, path[0] ? path : "(top level)",
                         "mapping keys must be plain names, not lists or mappings");
    if (has_tag(c, yk)) {
        char sub[YT_PATH_MAX];
        yt_child_path(sub, sizeof sub, path, (const char *)yk->data.scalar.value);
        return conv_fail(c, yk, sub, TAG_REFUSED);
    }
    unsigned long line, col;
    conv_mark(c, yk, &line, &col);
    *out = scalar_new((const char *)yk->data.scalar.value, yk->data.scalar.length,
                      yk->data.scalar.style == YAML_PLAIN_SCALAR_STYLE, c->source, line, col);
    if (!*out)
        return agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    return AGORA_OK;
}

static agora_status convert_map(converter *c, yaml_node_t *yn, const char *path, int depth,
                                yt_node *n)
{
    yaml_node_pair_t *start = yn->data.mapping.pairs.start;
    size_t count = (size_t)(yn->data.mapping.pairs.top - start);
    n->pairs = count ? calloc(count, sizeof *n->pairs) : NULL;
    if (count && !n->pairs)
        return agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    /* Keys first, so that a duplicate is reported before anything under it. */
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *yk = yaml_document_get_node(c->ydoc, start[i].key);
        agora_status st = convert_key(c, yk, path, &n->pairs[i].key);
        if (st != AGORA_OK)
            return st;
        n->n_pairs++;
    }
    agora_status st = check_duplicates(c, n, path);
    for (size_t i = 0; st == AGORA_OK && i < count; i++) {
        char sub[YT_PATH_MAX];
        yt_child_path(sub, sizeof sub, path, n->pairs[i].key->text);
        yaml_node_t *yv = yaml_document_get_node(c->ydoc, start[i].value);
        st = convert(c, yv, sub, depth + 1, &n->pairs[i].value);
    }
    return st;
}

/* On failure *out is NULL and nothing leaks; partial children are freed here. */
static agora_status convert(converter *c, yaml_node_t *yn, const char *path, int depth,
                            yt_node **out)
{
    *out = NULL;
    if (depth > YT_MAX_DEPTH)
        return conv_fail(c, yn, path, "nested too deeply (a recursive alias?)");
    if (c->budget == 0)
        return conv_fail(c, yn, path, "too many nodes (aliases expand to too much)");
    c->budget--;
    if (has_tag(c, yn))
        return conv_fail(c, yn, path[0] ? path : "(top level)", TAG_REFUSED);
    unsigned long line, col;
    conv_mark(c, yn, &line, &col);
    if (yn->type == YAML_SCALAR_NODE) {
        *out = scalar_new((const char *)yn->data.scalar.value, yn->data.scalar.length,
                          yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE, c->source, line,
                          col);
        return *out ? AGORA_OK
                    : agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    }
    yt_node *n = node_new(yn->type == YAML_SEQUENCE_NODE ? YT_SEQ : YT_MAP, c->source, line,
                          col);
    if (!n)
        return agora_fail(c->err, AGORA_EINTERNAL, "%s: out of memory", c->source);
    agora_status st = n->kind == YT_SEQ ? convert_seq(c, yn, path, depth, n)
                                        : convert_map(c, yn, path, depth, n);
    if (st != AGORA_OK) {
        /* Pairs whose value was never converted still own their key. */
        node_free(n);
        return st;
    }
    *out = n;
    return AGORA_OK;
}

/* ---- parsing ------------------------------------------------------------------ */

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark. */
static void offset_to_mark(const char *text, size_t offset, unsigned long *line,
                           unsigned long *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < offset; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\n') {
            (*line)++;
            *col = 1;
        } else if ((ch & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static agora_status syntax_error(const yaml_parser_t *p, const char *text, size_t len,
                                 const char *where_prefix, agora_error *err)
{
    const char *problem = p->problem ? p->problem : "cannot parse";
    if (p->error == YAML_MEMORY_ERROR)
        return agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", where_prefix);
    unsigned long line = (unsigned long)p->problem_mark.line + 1;
    unsigned long col = (unsigned long)p->problem_mark.column + 1;
    if (p->error == YAML_READER_ERROR)
        offset_to_mark(text, p->problem_offset < len ? p->problem_offset : len, &line, &col);
    return agora_fail(err, AGORA_EINPUT, "%s:%lu:%lu: syntax: %s", where_prefix, line, col,
                      problem);
}

/* A second document would be silently ignored; refuse it instead. */
static agora_status expect_end(yaml_parser_t *p, const char *text, size_t len,
                               const char *source, agora_error *err)
{
    yaml_document_t more;
    if (!yaml_parser_load(p, &more))
        return syntax_error(p, text, len, source, err);
    yaml_node_t *root = yaml_document_get_root_node(&more);
    unsigned long line = (unsigned long)more.start_mark.line + 1;
    unsigned long col = (unsigned long)more.start_mark.column + 1;
    yaml_document_delete(&more);
    if (root)
        return agora_fail(err, AGORA_EINPUT,
                          "%s:%lu:%lu: syntax: only one YAML document is allowed", source,
                          line, col);
    return AGORA_OK;
}

/* What an event-only pass over the text finds before the full load. */
typedef struct {
    int deep;          /* nests deeper than YT_MAX_DEPTH: refused at deep_at */
    yaml_mark_t deep_at;
    int tagged;        /* gives a tag: the first tagged node starts at tag_at */
    size_t tag_at;
} prescan_result;

static agora_status convert_document(yaml_document_t *yd, const prescan_result *pre,
                                     const char *source, int from_override, const char *path,
                                     yt_node **out, agora_error *err)
{
    converter c = {.ydoc = yd, .source = source, .tagged = pre->tagged, .tag_at = pre->tag_at,
                   .from_override = from_override, .err = err};
    c.budget = (size_t)(yd->nodes.top - yd->nodes.start) + YT_MAX_ALIAS_COPIES;
    return convert(&c, yaml_document_get_root_node(yd), path, 0, out);
}

/* libyaml's scanner looks at every open flow level for each token it reads, so
 * text nested N levels deep costs O(N^2): a 1 MB file of '[' keeps it busy for
 * about half an hour. Deeper than YT_MAX_DEPTH is refused anyway (see convert), so
 * an event-only pass, which stops at that depth, runs before the full load.
 * The same pass notes the first node given a tag, which only events show. A
 * syntax error is left for the full load to report. */
static prescan_result prescan(const char *text, size_t len)
{
    prescan_result r = {0};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return r;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int depth = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev))
            break;
        yaml_event_type_t type = ev.type;
        const yaml_char_t *tag = type == YAML_SCALAR_EVENT           ? ev.data.scalar.tag
                                 : type == YAML_SEQUENCE_START_EVENT ? ev.data.sequence_start.tag
                                 : type == YAML_MAPPING_START_EVENT  ? ev.data.mapping_start.tag
                                                                     : NULL;
        if (tag && !r.tagged) {
            r.tagged = 1;
            r.tag_at = ev.start_mark.index;
        }
        if (type == YAML_SEQUENCE_START_EVENT || type == YAML_MAPPING_START_EVENT) {
            /* The root collection is level 0 for convert, level 1 here. */
            if (++depth > YT_MAX_DEPTH + 1) {
                r.deep_at = ev.start_mark;
                r.deep = 1;
            }
        } else if (type == YAML_SEQUENCE_END_EVENT || type == YAML_MAPPING_END_EVENT) {
            depth--;
        }
        yaml_event_delete(&ev);
        if (r.deep || type == YAML_STREAM_END_EVENT)
            break;
    }
    yaml_parser_delete(&p);
    return r;
}

agora_status yt_parse(yt_doc *doc, const char *text, size_t len, const char *source,
                      agora_error *err)
{
    memset(doc, 0, sizeof *doc);
    prescan_result pre = prescan(text, len);
    if (pre.deep)
        return agora_fail(err, AGORA_EINPUT, "%s:%lu:%lu: syntax: nested more than %d levels deep",
                          source, (unsigned long)pre.deep_at.line + 1,
                          (unsigned long)pre.deep_at.column + 1, YT_MAX_DEPTH);
    const char *src = add_source(doc, "", source);
    if (!src)
        return agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", source);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", source);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    yaml_document_t yd;
    agora_status st = AGORA_OK;
    if (!yaml_parser_load(&p, &yd)) {
        st = syntax_error(&p, text, len, src, err);
    } else {
        if (yaml_document_get_root_node(&yd))
            st = convert_document(&yd, &pre, src, 0, "", &doc->root, err);
        else if (!(doc->root = node_new(YT_MAP, src, 1, 1)))
            st = agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", source);
        yaml_document_delete(&yd);
        if (st == AGORA_OK)
            st = expect_end(&p, text, len, src, err);
    }
    yaml_parser_delete(&p);
    if (st != AGORA_OK)
        yt_free(doc);
    return st;
}

void yt_free(yt_doc *doc)
{
    node_free(doc->root);
    for (size_t i = 0; i < doc->n_sources; i++)
        free(doc->sources[i]);
    free(doc->sources);
    memset(doc, 0, sizeof *doc);
}

/* ---- overrides --------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s (1 to 4 bytes), or 0 where none
 * starts: a stray continuation byte, an overlong form, a surrogate, a code point
 * beyond U+10FFFF, or a sequence cut short. */
static size_t utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || s[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0) ||
        (s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
        return 0;
    return n;
}

/* A file's text reaches the tree through libyaml's reader, which refuses bytes
 * that are not UTF-8; an override's plain string does not. Scenario text is
 * stored in every output as YAML, which must be UTF-8, so an override that is not
 * is refused here, with the bad byte written as an escape. */
static agora_status check_utf8(const char *assignment, agora_error *err)
{
    const unsigned char *s = (const unsigned char *)assignment;
    size_t at = 0, n;
    while (s[at] && (n = utf8_length(s + at)) > 0)
        at += n;
    if (!s[at])
        return AGORA_OK;
    return agora_fail(err, AGORA_EINPUT,
                      "--set %.*s\\x%02x...: not valid UTF-8 (byte %zu); scenario text must be "
                      "UTF-8",
                      (int)(at < 200 ? at : 200), assignment, s[at], at + 1);
}

/* Values that start like flow YAML must parse as such; anything else that YAML
 * would read as a block structure, alias or directive (`-`, `a: b`, `*.h5`, `%d`)
 * is what the user typed, so it is kept as a string. */
static int must_be_yaml(const char *value)
{
    return value[0] == '[' || value[0] == '{' || value[0] == '"' || value[0] == '\'';
}

static int is_block_collection(const yaml_node_t *yn)
{
    if (yn->type == YAML_SEQUENCE_NODE)
        return yn->data.sequence.style != YAML_FLOW_SEQUENCE_STYLE;
    if (yn->type == YAML_MAPPING_NODE)
        return yn->data.mapping.style != YAML_FLOW_MAPPING_STYLE;
    return 0;
}

typedef enum { VALUE_NODE, VALUE_STRING, VALUE_NULL } value_form;

/* Parses an override's value; on VALUE_NODE *out holds the converted node. */
static agora_status parse_value(const char *value, const char *source, const char *path,
                                value_form *form, yt_node **out, agora_error *err)
{
    yaml_parser_t p;
    yaml_document_t yd;
    *form = VALUE_STRING;
    *out = NULL;
    prescan_result pre = prescan(value, strlen(value));
    if (pre.deep)
        return agora_fail(err, AGORA_EINPUT, "%s: %s: syntax: nested more than %d levels deep",
                          source, path, YT_MAX_DEPTH);
    if (!yaml_parser_initialize(&p))
        return agora_fail(err, AGORA_EINTERNAL, "%s: out of memory", source);
    yaml_parser_set_input_string(&p, (const unsigned char *)value, strlen(value));
    agora_status st = AGORA_OK;
    if (!yaml_parser_load(&p, &yd)) {
        if (must_be_yaml(value))
            st = agora_fail(err, AGORA_EINPUT, "%s: %s: syntax: %s", source, path,
                            p.problem ? p.problem : "cannot parse");
        yaml_parser_delete(&p);
        return st;
    }
    yaml_node_t *root = yaml_document_get_root_node(&yd);
    if (!root) {
        *form = VALUE_NULL;
    } else if (!is_block_collection(root) || must_be_yaml(value)) {
        *form = VALUE_NODE;
        st = convert_document(&yd, &pre, source, 1, path, out, err);
    }
    yaml_document_delete(&yd);
    yaml_parser_delete(&p);
    return st;
}

/* True when the path component starting at s (up to '.' or the end) is a number. */
static int is_index(const char *s)
{
    if (!*s || *s == '.')
        return 0;
    for (; *s && *s != '.'; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

typedef struct {
    const char *source; /* "--set assignment" */
    const char *path;   /* the full dotted path, named in every message */
    agora_error *err;
} graft_ctx;

static agora_status graft_fail(const graft_ctx *g, const char *fmt, const char *a,
                               const char *b)
{
    char reason[512];
    snprintf(reason, sizeof reason, fmt, a, b);
    return agora_fail(g->err, AGORA_EINPUT, "%s: %s: %s", g->source, g->path, reason);
}

/* Follows one path component from *slot, creating a mapping entry when missing.
 * Returns the slot of the child. `next` is the following component or NULL. */
static agora_status graft_step(const graft_ctx *g, yt_node **slot, const char *comp,
                               const char *next, const char *prefix, yt_node ***child)
{
    yt_node *cur = *slot;
    if (yt_is_null(cur)) { /* `output:` with nothing under it: becomes a mapping */
        yt_node *map = node_new(YT_MAP, g->source, 0, 0);
        if (!map)
            return agora_fail(g->err, AGORA_EINTERNAL, "out of memory");
        node_free(cur);
        *slot = cur = map;
    }
    if (cur->kind == YT_SEQ) {
        if (!is_index(comp))
            return graft_fail(g, "%s is a list: pick an item by number, not \"%s\"",
                              prefix[0] ? prefix : "the scenario", comp);
        unsigned long long idx = strtoull(comp, NULL, 10);
        if (idx >= cur->n_items) {
            char count[32];
            snprintf(count, sizeof count, "%zu", cur->n_items);
            return graft_fail(g, "%s has %s items (numbered from 0)", prefix, count);
        }
        *child = &cur->items[idx];
        return AGORA_OK;
    }
    if (cur->kind != YT_MAP)
        return graft_fail(g, "%s is a single value, it has no \"%s\"",
                          prefix[0] ? prefix : "the scenario", comp);
    yt_pair *pair = yt_map_find(cur, comp);
    if (!pair) {
        char here[YT_PATH_MAX];
        yt_child_path(here, sizeof here, prefix, comp);
        if (next && is_index(next)) {
            char item[32];
            size_t n = strcspn(next, ".");
            snprintf(item, sizeof item, "%.*s", (int)(n < 31 ? n : 31), next);
            return graft_fail(g, "%s is not set, so it has no item %s", here, item);
        }
        yt_node *key = scalar_new(comp, strlen(comp), 1, g->source, 0, 0);
        yt_node *value = scalar_new("", 0, 1, g->source, 0, 0);
        if (!key || !value || map_append(cur, key, value) != 0) {
            node_free(key);
            node_free(value);
            return agora_fail(g->err, AGORA_EINTERNAL, "out of memory");
        }
        pair = &cur->pairs[cur->n_pairs - 1];
    }
    *child = &pair->value;
    return AGORA_OK;
}

static agora_status graft(yt_doc *doc, const graft_ctx *g, char *path, yt_node *value)
{
    yt_node **slot = &doc->root;
    char prefix[YT_PATH_MAX] = "";
    char *comp = path;
    while (comp) {
        char *dot = strchr(comp, '.');
        if (dot)
            *dot = '\0';
        char *next = dot ? dot + 1 : NULL;
        if (!*comp)
            return graft_fail(g, "empty component in the key path%s%s", "", "");
        yt_node **child = NULL;
        agora_status st = graft_step(g, slot, comp, next, prefix, &child);
        if (st != AGORA_OK)
            return st;
        char sub[YT_PATH_MAX];
        yt_child_path(sub, sizeof sub, prefix, comp);
        snprintf(prefix, sizeof prefix, "%s", sub);
        slot = child;
        comp = next;
    }
    node_free(*slot);
    *slot = value;
    return AGORA_OK;
}

/* Every message about an override starts with its text; a long one (a list of a
 * million values) would fill the message and cut off the reason, so the text is
 * shortened to its first OVERRIDE_SHOWN bytes, at a character boundary. */
#define OVERRIDE_SHOWN 80

static const char *override_source(yt_doc *doc, const char *assignment)
{
    size_t n = strlen(assignment);
    if (n <= OVERRIDE_SHOWN)
        return add_source(doc, "--set ", assignment);
    n = OVERRIDE_SHOWN;
    while (n > 0 && ((unsigned char)assignment[n] & 0xC0) == 0x80)
        n--;
    char shown[OVERRIDE_SHOWN + 4];
    snprintf(shown, sizeof shown, "%.*s...", (int)n, assignment);
    return add_source(doc, "--set ", shown);
}

agora_status yt_override(yt_doc *doc, const char *assignment, agora_error *err)
{
    if (check_utf8(assignment, err) != AGORA_OK)
        return AGORA_EINPUT;
    const char *source = override_source(doc, assignment);
    if (!source)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: expected dotted.key=value (e.g. --set rounds=100)", source);
    /* "--set 'rounds = 5'" means rounds; the value's spaces YAML ignores itself. */
    size_t start = strspn(assignment, " \t"), end = (size_t)(eq - assignment);
    while (end > start && (assignment[end - 1] == ' ' || assignment[end - 1] == '\t'))
        end--;
    if (end == start)
        return agora_fail(err, AGORA_EINPUT,
                          "%s: expected dotted.key=value (e.g. --set rounds=100)", source);
    char *path = strndup(assignment + start, end - start);
    if (!path)
        return agora_fail(err, AGORA_EINTERNAL, "out of memory");
    graft_ctx g = {.source = source, .path = path, .err = err};
    value_form form;
    yt_node *value = NULL;
    agora_status st = parse_value(eq + 1, source, path, &form, &value, err);
    if (st == AGORA_OK && form != VALUE_NODE) {
        const char *text = form == VALUE_NULL ? "" : eq + 1;
        value = scalar_new(text, strlen(text), 1, source, 0, 0);
        if (!value)
            st = agora_fail(err, AGORA_EINTERNAL, "out of memory");
    }
    if (st == AGORA_OK) {
        char *scratch = strdup(path); /* graft cuts it at the dots */
        st = scratch ? graft(doc, &g, scratch, value)
                     : agora_fail(err, AGORA_EINTERNAL, "out of memory");
        if (st != AGORA_OK)
            node_free(value);
        free(scratch);
    }
    free(path);
    return st;
}
