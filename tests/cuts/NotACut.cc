// Test library: a valid shared object that registers no CUT.
extern "C" int not_a_cut_function() { return 42; }
