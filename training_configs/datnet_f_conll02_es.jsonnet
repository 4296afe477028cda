// DATNet-F (full share + GRAD + adversarial training), CoNLL-2003 English -> CoNLL-2002 Spanish.
local common = import 'common.libsonnet';

common.datnet('conll2002_es', transfer='full', discriminator='grad', adversarial=true)
