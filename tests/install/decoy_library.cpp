// A shared object with none of the symbols BlocSim's libraries export:
// tests/install/test_library_search.sh copies it under each library name the
// program needs into a folder and starts the program there. A program whose
// search path includes the current directory loads these copies and fails on
// its first missing symbol.
extern "C" int blocsim_decoy_library_marker() { return 42; }
