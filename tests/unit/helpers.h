#ifndef HR_TEST_HELPERS_H
#define HR_TEST_HELPERS_H
#endif
