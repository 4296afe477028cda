// The design card's headline experiment: DATNet-F, CoNLL-2003 English -> WNUT-2016 tweets
// (the same as datnet_f_wnut16.jsonnet).
import 'datnet_f_wnut16.jsonnet'
