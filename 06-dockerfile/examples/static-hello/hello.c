/* hello.c - the program of the multi-stage example: a static binary needs nothing from its image,
 * so it runs in an image FROM scratch that holds this one file. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--self-test") == 0)
		return puts("self-test passed") == EOF;
	printf("Hello from a %s image: this binary is its only file.\n", argc > 1 ? argv[1] : "scratch");
	return 0;
}
