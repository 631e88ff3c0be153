/* Renaming a finished file into place so that it survives a power cut, not only
 * a killed process: the file's data is synced before the rename and the
 * directory entry after it. */
#ifndef AGORA_DURABLE_H
#define AGORA_DURABLE_H

/* 0 on success; -1 with errno set. */
int durable_rename(const char *from, const char *to);

#endif
