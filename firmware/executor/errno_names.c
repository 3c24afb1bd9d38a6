/* Portable errno names (the agent API's ERROR_NAME_* without the prefix)
 * of the errno numbers of the C library this file is compiled against:
 * newlib, glibc and lwIP number them differently, so the name travels. */
#include <errno.h>

#include "errno_names.h"

static const struct {
  int number;
  const char* name;
} kNames[] = {
    {ECONNRESET, "ECONNRESET"},     {EPIPE, "EPIPE"},
    {EADDRINUSE, "EADDRINUSE"},     {EADDRNOTAVAIL, "EADDRNOTAVAIL"},
    {EWOULDBLOCK, "EWOULDBLOCK"},   {EAGAIN, "EWOULDBLOCK"},
    {EINPROGRESS, "EINPROGRESS"},   {EALREADY, "EALREADY"},
    {ECONNREFUSED, "ECONNREFUSED"}, {ECONNABORTED, "ECONNABORTED"},
    {ETIMEDOUT, "ETIMEDOUT"},       {EHOSTUNREACH, "EHOSTUNREACH"},
    {ENETUNREACH, "ENETUNREACH"},   {ENOTCONN, "ENOTCONN"},
    {EISCONN, "EISCONN"},           {EINVAL, "EINVAL"},
    {EBADF, "EBADF"},               {ENOTSOCK, "ENOTSOCK"},
    {EACCES, "EACCES"},             {EINTR, "EINTR"},
    {ENOBUFS, "ENOBUFS"},           {EMFILE, "EMFILE"},
    {ENOPROTOOPT, "ENOPROTOOPT"},   {EOPNOTSUPP, "EOPNOTSUPP"},
    {EAFNOSUPPORT, "EAFNOSUPPORT"},
#ifdef ESHUTDOWN /* newlib has it only with its Linux extensions */
    {ESHUTDOWN, "ESHUTDOWN"},
#endif
    {ENETDOWN, "ENETDOWN"},         {ENETRESET, "ENETRESET"},
    {EMSGSIZE, "EMSGSIZE"},         {EFAULT, "EFAULT"},
    {ENOMEM, "ENOMEM"},
};

const char* cpx_errno_name(int number) {
  for (unsigned i = 0; i < sizeof(kNames) / sizeof(kNames[0]); ++i) {
    if (kNames[i].number == number) return kNames[i].name;
  }
  return "OTHER";
}
